/// <reference lib="dom" />
/**
 * Opens the rendered email, the web version and the archive index in headless Chromium at
 * phone and desktop widths: no horizontal scroll, every image loaded and undistorted, no clipped text. Screenshots go
 * to out/screenshots/ for a human look.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../../src/render/static-server';
import { type Site, writeSite } from './archive-site';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

const SHOTS = path.resolve('out/screenshots');

interface LayoutReport {
  scrollWidth: number;
  innerWidth: number;
  brokenImages: string[];
  imageCount: number;
  /** Images drawn with a different aspect ratio than their pixels (e.g. a fixed height on a narrow screen). */
  distortedImages: string[];
  clipped: string[];
}

async function inspect(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const images = [...document.images];
    const clipped = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => {
        const style = getComputedStyle(el);
        const hides =
          ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflow);
        return (
          hides &&
          el.clientWidth > 0 &&
          el.scrollWidth > el.clientWidth + 1 &&
          (el.textContent ?? '').trim() !== ''
        );
      })
      .map((el) => `${el.tagName}.${el.className}: ${(el.textContent ?? '').trim().slice(0, 40)}`);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      brokenImages: images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
      imageCount: images.length,
      distortedImages: images
        .filter((img) => {
          const box = img.getBoundingClientRect();
          if (img.naturalWidth === 0 || box.width === 0) return false;
          const drawn = box.height / box.width;
          const natural = img.naturalHeight / img.naturalWidth;
          return Math.abs(drawn - natural) > natural * 0.02;
        })
        .map(
          (img) => `${img.src}: ${img.getBoundingClientRect().width}x${img.getBoundingClientRect().height}`,
        ),
      clipped,
    };
  });
}

describe('rendered pages in Chromium', () => {
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  let site: Site | undefined;
  const root = path.resolve('out/test-site');

  beforeAll(async () => {
    if (!hasChromium) return;
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    await mkdir(SHOTS, { recursive: true });
    // The server starts first so the email's hosted image URLs can point at it.
    server = await startStaticServer(root);
    site = await writeSite(server.url, root);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pages = [
    { name: 'email', file: () => 'email.html', images: 4 },
    { name: 'web', file: () => `issues/${site?.issueId}/newsletter.html`, images: 4 },
    { name: 'index', file: () => 'index.html', images: 0 },
  ];

  for (const target of pages) {
    for (const width of [375, 800]) {
      it.runIf(hasChromium)(
        `lays out the ${target.name} page at ${width} px without overflow or broken images`,
        async () => {
          // Prepare
          const context = await (browser as Browser).newContext({ viewport: { width, height: 900 } });
          const page = await context.newPage();

          // Act
          await page.goto(`${server?.url}/${target.file()}`, { waitUntil: 'load' });
          await page.evaluate(() =>
            Promise.all([...document.images].map((img) => img.decode().catch(() => undefined))),
          );
          const report = await inspect(page);
          await page.screenshot({ path: path.join(SHOTS, `${target.name}-${width}.png`), fullPage: true });
          await context.close();

          // Assess
          expect(report.scrollWidth).toBeLessThanOrEqual(report.innerWidth);
          expect(report.imageCount).toBe(target.images);
          expect(report.brokenImages).toEqual([]);
          expect(report.distortedImages).toEqual([]);
          expect(report.clipped).toEqual([]);
        },
      );
    }
  }
});
