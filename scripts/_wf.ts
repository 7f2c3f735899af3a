import {serve} from "./serve.js";
import {launch} from "../test/e2e/browser.js";
const [site, path = "/", sel = ".mixviz-relation-grid", runs = "3"] = process.argv.slice(2);
const {server, url} = await serve(site);
const browser = await launch();
for (let k = 0; k < Number(runs); k++) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(new URL(path, url).href);
  const first = await page.waitForFunction((s) => document.querySelector(s) !== null && performance.now(), sel, {polling: "raf", timeout: 60000}).then((h) => h.jsonValue());
  const entries = await page.evaluate(() => performance.getEntriesByType("resource").map((e: any) => [e.name.split("/").slice(-2).join("/"), Math.round(e.startTime), Math.round(e.responseEnd)]));
  const nav: any = await page.evaluate(() => { const n: any = performance.getEntriesByType("navigation")[0]; return [Math.round(n.responseEnd), Math.round(n.domInteractive), Math.round(n.domContentLoadedEventEnd)]; });
  if (k === Number(runs) - 1) { for (const e of entries) if (e[1] < (first as number)) console.log(e.join("\t")); }
  console.log("first", first, "nav(responseEnd, domInteractive, DCLend)", nav, "n resources before first", entries.filter((e) => e[1] < (first as number)).length);
  await ctx.close();
}
await browser.close(); server.close();
