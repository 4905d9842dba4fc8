import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--headless','--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(process.argv[2]);
await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 60000 });
await page.screenshot({ path: process.argv[3], fullPage: process.argv[4] === 'full' });
await browser.close();
