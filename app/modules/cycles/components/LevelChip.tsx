// A rubric level shown by number, word and colour together, never colour alone.
import { levelShortLabel } from "../rubric-rollup";

export function LevelChip({ level }: { level: number | null }) {
  if (!level) return <span className="ck-level ck-level--none">Not scored</span>;
  return (
    <span className={`ck-level ck-level--${level}`}>
      {level} <span className="ck-visually-hidden">— </span>
      <small>{levelShortLabel(level as 1 | 2 | 3 | 4)}</small>
    </span>
  );
}
