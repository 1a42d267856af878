// Debian's Chromium for the browser tests, driven by playwright-core (which never downloads a browser).
// A missing browser fails the test with what to install: it must not turn into a green build that checked nothing.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium; .ci/run installs it in CI), ` +
        'or set CHROMIUM_PATH to a Chromium binary. Playwright never downloads a browser here.',
    );
  }
  return chromium.launch({
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
}

/** Collects console errors and warnings and page errors: a CSP violation or a script error shows up here. */
export function collectProblems(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

/**
 * The characters on the page that no installed font has, each with where it shows: Chromium draws them as a
 * missing-glyph box. Each non-ASCII character of the page's text is drawn on a canvas in its element's font and
 * compared, pixel for pixel, with U+10FFFD (a private-use codepoint no font has), drawn the same way: every
 * missing glyph is the same box. Runs in the page as a script string (the tests' TypeScript has no DOM types).
 */
export async function charactersDrawnAsBoxes(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 96;
    canvas.height = 64;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const draw = (text, font) => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.font = font;
      ctx.fillStyle = '#000';
      ctx.textBaseline = 'middle';
      ctx.fillText(text, 16, 32);
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data.join(',');
    };
    const box = new Map();
    const found = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('script, style')) continue;
      const style = getComputedStyle(el);
      const font = style.fontStyle + ' ' + style.fontWeight + ' 40px ' + style.fontFamily;
      for (const ch of node.data) {
        if (ch.codePointAt(0) < 0x80 || /\\s/.test(ch)) continue;
        if (!box.has(font)) box.set(font, draw('\\u{10FFFD}', font));
        const key = ch + ' in ' + font;
        if (found.has(key)) continue;
        const where = el.getAttribute('title') || el.className || el.tagName.toLowerCase();
        found.set(key, draw(ch, font) === box.get(font) ? 'U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + ' ' + ch + ' (' + where + ')' : '');
      }
    }
    return [...found.values()].filter(Boolean);
  })()`);
}
