import { ImageNode } from '@collab/schema';
import type { Editor } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { ImageSession } from './image-session';
import { ImageNodeView } from './image-node-view';

/** The image files a paste or drop carries (SVG included: the intake refuses it with a message). */
const imageFiles = (data: DataTransfer | null) => [...(data?.files ?? [])].filter((file) => file.type.startsWith('image/'));
const hasDataImage = (html: string) => /<img[^>]+src\s*=\s*["']?data:/i.test(html);

/**
 * The document's image node as the editor shows it: the file is fetched with the token and shown from a blob
 * URL (ImageNodeView), and pasted or dropped image files (or HTML carrying data: images) are taken by the
 * intake, which uploads them and inserts only their hashes.
 */
export const EditorImage = ImageNode.extend<{ session: ImageSession | null }>({
  addOptions() {
    return { ...this.parent?.(), session: null };
  },

  addNodeView() {
    return ({ node, editor, getPos }) => new ImageNodeView(node, editor, getPos, this.options.session);
  },

  addProseMirrorPlugins() {
    const { session } = this.options;
    const editor: Editor = this.editor;
    if (!session) return [];
    const take = (run: (intake: Awaited<ReturnType<ImageSession['intake']>>) => Promise<void>) =>
      void session.intake().then(run);
    return [
      new Plugin({
        key: new PluginKey('imageInput'),
        props: {
          handlePaste(_view, event) {
            const files = imageFiles(event.clipboardData);
            const html = event.clipboardData?.getData('text/html') ?? '';
            if (files.length > 0) take((intake) => intake.insertFiles(editor, files));
            else if (hasDataImage(html)) take((intake) => intake.pasteHtml(editor, html));
            else return false;
            return true;
          },
          handleDrop(view, event, _slice, moved) {
            const files = imageFiles(event.dataTransfer);
            if (moved || files.length === 0) return false;
            event.preventDefault();
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos;
            take((intake) => intake.insertFiles(editor, files, at));
            return true;
          },
        },
      }),
    ];
  },
});
