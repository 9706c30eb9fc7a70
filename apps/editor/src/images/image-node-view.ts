import type { Editor, NodeViewRendererProps } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import type { NodeView } from '@tiptap/pm/view';
import type { ImageSession } from './image-session';
import { type ImageSource, imageSource } from './image-sources';

interface ImageAttributes {
  sha: string | null;
  width: number | null;
  height: number | null;
  alt: string | null;
}

/**
 * An image in the editor: the file once it is here (a blob URL: the token never goes into an <img src>), a
 * placeholder of its size until then, a progress bar while it uploads, and an alt-text field while it is
 * selected in an editable document. Plain DOM rather than a React node view, which would add TipTap's React
 * node-view renderer to every document page.
 */
export class ImageNodeView implements NodeView {
  readonly dom = document.createElement('div');
  private readonly frame = document.createElement('div');
  private readonly progress = document.createElement('progress');
  private readonly altField = document.createElement('label');
  private readonly altInput = document.createElement('input');
  private unsubscribe: Array<() => void> = [];
  private attrs: ImageAttributes;

  constructor(
    node: ProseMirrorNode,
    private readonly editor: Editor,
    private readonly getPos: NodeViewRendererProps['getPos'],
    private readonly session: ImageSession | null,
  ) {
    this.attrs = node.attrs as ImageAttributes;
    this.dom.className = 'image-node';
    Object.assign(this.progress, { className: 'image-node__progress', max: 1, hidden: true });
    this.progress.dataset.testid = 'upload-progress';
    this.progress.setAttribute('aria-label', 'Uploading image');
    this.buildAltField();
    this.dom.append(this.frame, this.progress);
    this.watch();
  }

  update(node: ProseMirrorNode): boolean {
    if (node.type.name !== 'image') return false;
    const previous = this.attrs;
    this.attrs = node.attrs as ImageAttributes;
    if (previous.sha !== this.attrs.sha) this.watch();
    else if (previous.alt !== this.attrs.alt) this.frame.querySelector('img')?.setAttribute('alt', this.attrs.alt ?? '');
    // Not while the user types in it: the value would jump back under their cursor.
    if (document.activeElement !== this.altInput) this.altInput.value = this.attrs.alt ?? '';
    return true;
  }

  selectNode(): void {
    this.dom.classList.add('ProseMirror-selectednode');
    if (this.editor.isEditable) this.dom.append(this.altField);
  }

  deselectNode(): void {
    this.dom.classList.remove('ProseMirror-selectednode');
    this.altField.remove();
  }

  /** Typing and clicking in the alt-text field are the field's, not the editor's. */
  stopEvent(event: Event): boolean {
    return this.altField.contains(event.target as Node);
  }

  ignoreMutation(): boolean {
    return true;
  }

  destroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  private watch(): void {
    this.destroy();
    const { sha } = this.attrs;
    if (!this.session || !sha) return this.show({ state: 'missing' });
    const source = imageSource(this.session, sha);
    const progress = this.session.progress(sha);
    const showProgress = () => {
      const value = progress.get();
      this.progress.hidden = value === null;
      if (value !== null) this.progress.value = value;
    };
    this.unsubscribe.push(source.subscribe(() => this.show(source.get())), progress.subscribe(showProgress));
    this.show(source.get());
    showProgress();
  }

  private show(source: ImageSource): void {
    const { sha, width, height, alt } = this.attrs;
    if (source.state === 'ready') {
      const img = document.createElement('img');
      Object.assign(img, { src: source.url, alt: alt ?? '', draggable: false });
      if (width && height) Object.assign(img, { width, height });
      img.dataset.fileSha = sha ?? '';
      return this.frame.replaceChildren(img);
    }
    const placeholder = document.createElement('div');
    placeholder.className = 'image-node__placeholder';
    placeholder.dataset.testid = 'image-placeholder';
    placeholder.setAttribute('role', 'img');
    placeholder.setAttribute('aria-label', alt || 'Image not uploaded yet');
    if (width && height) Object.assign(placeholder.style, { aspectRatio: `${width} / ${height}`, width: `${width}px` });
    if (source.state === 'missing') placeholder.textContent = `Image not uploaded yet${width && height ? ` · ${width} × ${height}` : ''}`;
    this.frame.replaceChildren(placeholder);
  }

  private buildAltField(): void {
    this.altField.className = 'image-node__alt';
    const label = document.createElement('span');
    label.textContent = 'Alt text';
    Object.assign(this.altInput, { className: 'field__input', placeholder: "Describe the image for people who can't see it", value: this.attrs.alt ?? '' });
    this.altInput.dataset.testid = 'image-alt';
    this.altInput.addEventListener('input', () => {
      const pos = this.getPos();
      if (typeof pos !== 'number') return;
      this.editor.view.dispatch(this.editor.state.tr.setNodeAttribute(pos, 'alt', this.altInput.value || null));
    });
    this.altField.append(label, this.altInput);
  }
}
