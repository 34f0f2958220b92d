/**
 * A reply's markdown as text to speak, and split into the pieces TTS speaks one at a time:
 * paragraphs and list items, then sentences. Formatting goes through `remove-markdown`; citation
 * marks ([1]) and bare URLs are dropped (nobody wants them read out).
 */
import removeMd from 'remove-markdown';

export function speakableText(markdown: string): string {
  return removeMd(markdown, { gfm: true, useImgAltText: true })
    .replace(/\[\d+(?:\s*,\s*\d+)*\]/g, '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/ +([,.;:!?])/g, '$1')
    .trim();
}

/** Sentences of a paragraph, by the ICU rules. */
function sentencesOf(paragraph: string): string[] {
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  return [...seg.segment(paragraph)].map((s) => s.segment.trim()).filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/**
 * Cuts a growing reply into sentences to speak as soon as each is complete. `push` the text so far
 * (markdown); it returns the sentences that became complete. `finish` returns the rest.
 */
export class SentenceCutter {
  private done = 0;

  /** Complete sentences of `markdown` not yet returned (the last, unfinished one is held back). */
  push(markdown: string): string[] {
    return this.take(markdown, false);
  }

  finish(markdown: string): string[] {
    return this.take(markdown, true);
  }

  private take(markdown: string, final: boolean): string[] {
    const all: string[] = [];
    const paragraphs = markdown.split(/\n+/);
    for (const [i, p] of paragraphs.entries()) {
      const open = !final && i === paragraphs.length - 1;
      const s = sentencesOf(speakableText(p));
      // In the paragraph still being written, the last sentence may not be finished yet.
      if (open) {
        const last = s.at(-1);
        if (last && !/[.!?]["')\]]?$/.test(last)) s.pop();
        else if (last && !/\s$/.test(p)) s.pop();
      }
      all.push(...s);
    }
    const fresh = all.slice(this.done);
    this.done = Math.max(this.done, all.length);
    return fresh;
  }
}
