import type { Language } from '../../../contract';

/** Repeating the same prompt sooner than this is nagging. */
const REPEAT_AFTER_MS = 4000;

/**
 * Speaks prompts with the platform's speech synthesis when there is one (there is none in
 * headless test browsers or on kiosks without voices; the prompt is on screen either way).
 */
export class PromptSpeaker {
  private last: { text: string; atMs: number } | null = null;

  constructor(
    private readonly synth: Pick<SpeechSynthesis, 'speak' | 'cancel'> | null = typeof speechSynthesis === 'undefined' ? null : speechSynthesis,
    private readonly utter: (text: string) => SpeechSynthesisUtterance = (text) => new SpeechSynthesisUtterance(text),
  ) {}

  say(text: string, language: Language, nowMs = performance.now()): void {
    if (!this.synth) return;
    if (this.last && this.last.text === text && nowMs - this.last.atMs < REPEAT_AFTER_MS) return;
    this.last = { text, atMs: nowMs };
    this.synth.cancel();
    const utterance = this.utter(text);
    utterance.lang = language;
    utterance.rate = 1.05;
    this.synth.speak(utterance);
  }

  stop(): void {
    this.synth?.cancel();
  }
}
