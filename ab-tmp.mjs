import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--headless','--disable-gpu'] });
const urls = process.argv.slice(2);
const res = urls.map(() => []);
for (let r = 0; r < 8; r++) for (let i = 0; i < urls.length; i++) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(urls[i]);
  await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 60000 });
  const m = await page.evaluate(() => ({ p: performance.getEntriesByName('pinbench:plotly-loaded')[0].startTime, f: performance.getEntriesByName('pinbench:first-screen')[0].startTime, a: performance.getEntriesByType('mark').find(m => m.name.startsWith('pinbench:charts-ready')).startTime }));
  res[i].push(m); await page.close();
}
const med = (xs) => { const s = [...xs].sort((a,b)=>a-b); return s[Math.floor(s.length/2)].toFixed(0); };
urls.forEach((u, i) => console.log(u, 'plotly', med(res[i].map(m=>m.p)), 'first', med(res[i].map(m=>m.f)), 'all', med(res[i].map(m=>m.a)), 'all-min', Math.min(...res[i].map(m=>m.a)).toFixed(0)));
await browser.close();
