import {writeFileSync} from "node:fs";
import {serve} from "./serve.js";
import {launch} from "../test/e2e/browser.js";
const {url, server} = await serve(".cache/my-dist");
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(new URL("./your-data", url).href);
  await page.waitForSelector("[data-view=sentence] .mixviz-sentence-view");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", {interval: 1000});
  await cdp.send("Profiler.start");
  await page.evaluate(() => {
    const w = window as unknown as {gaps: [number, number][]};
    w.gaps = [];
    let last = performance.now();
    setInterval(() => { const now = performance.now(); if (now - last > 150) w.gaps.push([Math.round(last), Math.round(now - last)]); last = now; }, 10);
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.setInputFiles("input[data-upload=files]", ["/work/scratch/s4/dump/dump.parquet", "/work/scratch/s4/dump/tokens.json"]);
  await page.waitForSelector("[data-view=field] [data-window]", {timeout: 60000});
  const {profile} = await cdp.send("Profiler.stop");
  console.log("t0", t0, "gaps", JSON.stringify(await page.evaluate(() => (window as unknown as {gaps: unknown}).gaps)));
  writeFileSync("/tmp/lz/page.cpuprofile", JSON.stringify(profile));
} finally { await browser.close(); server.close(); }
