/// <reference lib="dom" />
/**
 * Opens the email as mailed, the web version and the archive index in headless Chromium at phone
 * (375 px) and desktop (800 px) widths, in light and in dark mode, and checks them as a reader would:
 * axe-core (WCAG 2 A/AA) finds no serious or critical violation, no visible text is under 12 CSS px, nothing
 * scrolls sideways, every image loads undistorted, no text is clipped, no table cell breaks a word, and
 * the web charts line up with the tables. Screenshots go to out/screenshots/ (gitignored) for a human
 * look.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../../src/render/static-server';
import { type Site, writeSite } from './archive-site';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

const SHOTS = path.resolve('out/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Smallest size of visible text, CSS px. */
const MIN_TEXT_PX = 12;

interface LayoutReport {
  scrollWidth: number;
  innerWidth: number;
  brokenImages: string[];
  imageCount: number;
  chartCount: number;
  /** Images drawn with a different aspect ratio than their pixels (e.g. a fixed height on a narrow screen). */
  distortedImages: string[];
  clipped: string[];
  /** Visible text under MIN_TEXT_PX, as `size px: text`. */
  smallText: string[];
  /** Words in table cells drawn over two lines ("Statu|s"). */
  brokenWords: string[];
  /** Web charts whose width differs from the tables' width in the same section. */
  misalignedCharts: string[];
  /** Inline chart labels drawn outside their chart or over another label, as the browser lays them out. */
  chartLabelProblems: string[];
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

async function inspect(page: Page, minText: number): Promise<LayoutReport> {
  return page.evaluate((minTextPx) => {
    const images = [...document.images];
    const visible = (el: Element) =>
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
      el.getClientRects().length > 0;
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

    // Text drawn inside an inline SVG is scaled with the SVG: its CSS size is the font size times the scale.
    const svgScale = (el: Element): number => {
      const svg = el.closest('svg');
      if (!svg) return 1;
      const box = svg.viewBox.baseVal;
      return box && box.width > 0 ? svg.getBoundingClientRect().width / box.width : 1;
    };
    const smallText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const el = node.parentElement;
      if (!text || !el || !visible(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const size = Number.parseFloat(getComputedStyle(el).fontSize) * svgScale(el);
      if (size < minTextPx - 0.01) smallText.push(`${size.toFixed(1)} px: ${text.slice(0, 40)}`);
    }

    const brokenWords: string[] = [];
    for (const cell of document.querySelectorAll('.hb-t td, .hb-t th')) {
      const cellWalker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = cellWalker.nextNode(); node; node = cellWalker.nextNode()) {
        const content = node.textContent ?? '';
        for (const match of content.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index ?? 0);
          range.setEnd(node, (match.index ?? 0) + match[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) brokenWords.push(match[0]);
        }
      }
    }

    const misalignedCharts: string[] = [];
    for (const figure of document.querySelectorAll('figure')) {
      const section = figure.closest('section');
      const table = section?.querySelector('table.hb-t');
      if (!table) continue;
      const chart = figure.querySelector('svg, img');
      const chartWidth = chart?.getBoundingClientRect().width ?? 0;
      const tableWidth = table.getBoundingClientRect().width;
      if (Math.abs(chartWidth - tableWidth) > 1)
        misalignedCharts.push(`${figure.id || 'chart'}: ${chartWidth} px vs table ${tableWidth} px`);
    }

    const charts = [...document.querySelectorAll<SVGSVGElement>('figure svg')];
    const chartLabelProblems: string[] = [];
    for (const svg of charts) {
      const view = svg.viewBox.baseVal;
      const boxes = [...svg.querySelectorAll<SVGTextElement>('text')].map((t) => ({
        text: t.textContent ?? '',
        box: t.getBBox(),
      }));
      boxes.forEach(({ text, box }, i) => {
        if (box.x < 0 || box.y < 0 || box.x + box.width > view.width || box.y + box.height > view.height)
          chartLabelProblems.push(`outside its chart: ${text}`);
        for (const other of boxes.slice(i + 1)) {
          const b = other.box;
          // Glyph boxes include line gap; a 2-unit overlap of two stacked lines is not a collision.
          const overlapX = Math.min(box.x + box.width, b.x + b.width) - Math.max(box.x, b.x);
          const overlapY = Math.min(box.y + box.height, b.y + b.height) - Math.max(box.y, b.y);
          if (overlapX > 2 && overlapY > 2) chartLabelProblems.push(`${text} overlaps ${other.text}`);
        }
      });
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      brokenImages: images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
      imageCount: images.length,
      chartCount: images.length + charts.length,
      distortedImages: [
        ...images
          .filter((img) => {
            const box = img.getBoundingClientRect();
            if (img.naturalWidth === 0 || box.width === 0) return false;
            return Math.abs(box.height / box.width - img.naturalHeight / img.naturalWidth) > 0.02;
          })
          .map((img) => `${img.src.slice(0, 60)}: ${img.getBoundingClientRect().width}`),
        ...charts
          .filter((svg) => {
            const box = svg.getBoundingClientRect();
            const view = svg.viewBox.baseVal;
            return Math.abs(box.height / box.width - view.height / view.width) > 0.02;
          })
          .map((svg) => `svg ${svg.getAttribute('aria-label')?.slice(0, 40)}`),
      ],
      clipped,
      smallText,
      brokenWords,
      misalignedCharts,
      chartLabelProblems,
    };
  }, minText);
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe-core is injected as a page global.
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v: AxeViolation) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
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
    site = await writeSite(root);
    server = await startStaticServer(root);
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
    { name: 'email', file: () => 'email.html', charts: 4 },
    { name: 'web', file: () => `issues/${site?.issueId}/newsletter.html`, charts: 4 },
    { name: 'index', file: () => 'index.html', charts: 0 },
  ];

  for (const target of pages) {
    for (const width of [375, 800]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        it.runIf(hasChromium)(
          `the ${target.name} page at ${width} px in ${colorScheme} mode: accessible, legible, no overflow`,
          async () => {
            // Prepare
            const context = await (browser as Browser).newContext({
              viewport: { width, height: 900 },
              colorScheme,
            });
            const page = await context.newPage();

            // Act
            await page.goto(`${server?.url}/${target.file()}`, { waitUntil: 'load' });
            await page.evaluate(() =>
              Promise.all([...document.images].map((img) => img.decode().catch(() => undefined))),
            );
            const report = await inspect(page, MIN_TEXT_PX);
            const violations = await axeViolations(page);
            await page.screenshot({
              path: path.join(SHOTS, `${target.name}-${width}-${colorScheme}.png`),
              fullPage: true,
            });
            await context.close();

            // Assess
            const severe = violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .flatMap((v) =>
                v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary}`),
              );
            expect(severe).toEqual([]);
            expect(report.smallText).toEqual([]);
            expect(report.scrollWidth).toBeLessThanOrEqual(report.innerWidth);
            expect(report.chartCount).toBe(target.charts);
            expect(report.brokenImages).toEqual([]);
            expect(report.distortedImages).toEqual([]);
            expect(report.clipped).toEqual([]);
            expect(report.brokenWords).toEqual([]);
            expect(report.misalignedCharts).toEqual([]);
            expect(report.chartLabelProblems).toEqual([]);
          },
        );
      }
    }
  }
});
