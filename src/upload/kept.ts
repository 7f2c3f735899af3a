// The reader's files kept in this browser (IndexedDB), so that a reload of "Your data" and the head workbench
// open the file last checked there. The bytes never leave the browser. One entry: the files
// of the last upload that loaded, replaced by the next one, removed by "Forget". Reads and writes reject with
// a message naming the cause (no IndexedDB in this browser, storage full); the pages say so and go on.
import type {PickedFile} from "./readers.js";

const DATABASE = "mixviz";
const STORE = "kept-files";
const KEY = "upload";

/** What is kept: the files as they were picked (browser Files, stored by IndexedDB as they are), in order. */
export interface KeptUpload {
  files: PickedFile[];
}

function open(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`this browser's storage could not be opened (${request.error?.message ?? "IndexedDB refused"})`));
  });
}

/** Runs one request on the store and resolves with its result once the transaction has committed. */
async function run<T>(factory: IDBFactory | undefined, mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  if (!factory) throw new Error("this browser offers no storage for files (IndexedDB)");
  const db = await open(factory);
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = make(transaction.objectStore(STORE));
      const fail = () => reject(new Error(`this browser's storage refused the file (${(transaction.error ?? request.error)?.message ?? "unknown reason"})`));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = fail;
      transaction.onabort = fail;
    });
  } finally {
    db.close();
  }
}

const indexedDb = () => (typeof indexedDB === "undefined" ? undefined : indexedDB);

/** Keeps the files, replacing what was kept. */
export async function keepUpload(files: readonly PickedFile[], factory = indexedDb()): Promise<void> {
  const kept: KeptUpload = {files: [...files]};
  await run(factory, "readwrite", (store) => store.put(kept, KEY));
}

/** The kept files, or null when none are kept. */
export async function keptUpload(factory = indexedDb()): Promise<KeptUpload | null> {
  const kept = (await run(factory, "readonly", (store) => store.get(KEY))) as KeptUpload | undefined;
  return kept && Array.isArray(kept.files) ? kept : null;
}

/** Removes the kept files. */
export async function forgetUpload(factory = indexedDb()): Promise<void> {
  await run(factory, "readwrite", (store) => store.delete(KEY));
}
