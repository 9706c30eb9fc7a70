/** The shared document title, edited in place like the first line of the page. */
export function TitleInput({ title, editable, onChange }: { title: string; editable: boolean; onChange: (title: string) => void }) {
  return (
    <input
      className="title-input"
      data-testid="document-title"
      aria-label="Document title"
      placeholder="Untitled"
      maxLength={200}
      readOnly={!editable}
      value={title}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
