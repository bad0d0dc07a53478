import './branches.css';

interface Props {
  /** This message and its siblings (edits or regenerated answers), oldest first. */
  siblingIds: string[];
  current: string;
  disabled?: boolean;
  onSelect: (id: string) => void;
}

/**
 * The ‹ 2/3 › control of a message that has other versions: it shows which
 * one is on screen and switches to the one before or after it.
 */
export function SiblingSwitcher({ siblingIds, current, disabled, onSelect }: Props) {
  const i = siblingIds.indexOf(current);
  if (siblingIds.length < 2 || i < 0) return null;
  const label = `Version ${i + 1} of ${siblingIds.length}`;
  return (
    <div className="sibling-switcher" role="group" aria-label={label}>
      <button
        type="button"
        className="icon-button"
        aria-label="Previous version"
        title="Previous version"
        disabled={disabled || i === 0}
        onClick={() => onSelect(siblingIds[i - 1])}
      >
        ‹
      </button>
      <span className="sibling-count" aria-hidden="true">
        {i + 1}/{siblingIds.length}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next version"
        title="Next version"
        disabled={disabled || i === siblingIds.length - 1}
        onClick={() => onSelect(siblingIds[i + 1])}
      >
        ›
      </button>
    </div>
  );
}
