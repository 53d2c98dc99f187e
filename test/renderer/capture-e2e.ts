import type { Browser, Page } from 'playwright-core';
import type { VerifySubmit } from '../../contract';
import type { RunningWebHost } from '../../main/web-host';

export interface CapturePage {
  page: Page;
  /** Every verify.submit the page sent over the contract, exactly as it went on the wire. */
  submits: VerifySubmit[];
  /** Page errors and console errors, to explain a failure. */
  errors: string[];
}

/** Opens the kiosk page, presents the simulated card and accepts consent: the capture screen is next. */
export async function openCaptureScreen(browser: Browser, host: RunningWebHost): Promise<CapturePage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const submits: VerifySubmit[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // 404s are reported below with their URL; a favicon miss is not the capture's concern.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`);
  });
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      try {
        const message = JSON.parse(String(payload)) as { channel?: string; payload?: VerifySubmit };
        if (message.channel === 'verify.submit' && message.payload) submits.push(message.payload);
      } catch {
        // Not a contract message.
      }
    });
  });
  await page.goto(host.openUrl());
  await page.click('[data-testid=simulate-card]');
  await page.click('[data-testid=consent-accept]', { timeout: 15_000 });
  await page.waitForSelector('[data-testid=capture-screen]');
  return { page, submits, errors };
}

/** Waits until the capture screen shows `prompt` (a PromptKey) and returns the visible text. */
export async function waitForPrompt(page: Page, prompt: string, timeoutMs = 30_000): Promise<string> {
  await page.waitForSelector(`[data-testid=capture-screen][data-prompt="${prompt}"]`, { timeout: timeoutMs });
  return page.locator('[data-testid=capture-prompt]').innerText();
}

export async function waitForSubmit(capture: CapturePage, timeoutMs = 30_000): Promise<VerifySubmit> {
  const deadline = Date.now() + timeoutMs;
  while (capture.submits.length === 0) {
    if (Date.now() > deadline) {
      const state = await capture.page.locator('[data-testid=capture-screen]').evaluate((el) => ({ ...(el as unknown as { dataset: Record<string, string> }).dataset })).catch(() => null);
      throw new Error(`no verify.submit within ${timeoutMs} ms; capture screen: ${JSON.stringify(state)}; errors: ${capture.errors.join(' | ')}`);
    }
    await capture.page.waitForTimeout(200);
  }
  return capture.submits[0]!;
}
