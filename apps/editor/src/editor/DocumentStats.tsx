import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';

const plural = (count: number, word: string) => `${count.toLocaleString()} ${word}${count === 1 ? '' : 's'}`;

/** The document's word and character counts (TipTap CharacterCount), under the text. */
export function DocumentStats({ editor }: { editor: Editor }) {
  const counts = useEditorState({
    editor,
    // Null for an editor that is not mounted (yet, or any more: one re-created for tables is read once after).
    selector: ({ editor: current }) =>
      current.isDestroyed
        ? null
        : { words: current.storage.characterCount.words(), characters: current.storage.characterCount.characters() },
  });
  if (!counts) return <footer className="document-stats" />;
  const { words, characters } = counts;
  return (
    <footer className="document-stats" data-testid="document-stats" data-words={words} data-characters={characters}>
      {plural(words, 'word')} · {plural(characters, 'character')}
    </footer>
  );
}
