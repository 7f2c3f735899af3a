// Types of the packages the browser runtime imports through Framework's `npm:` protocol: the installed
// package's own.
declare module "npm:@tensorflow/tfjs-backend-wasm" {
  export * from "@tensorflow/tfjs-backend-wasm";
}
