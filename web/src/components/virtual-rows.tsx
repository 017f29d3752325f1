/**
 * A windowed list of fixed-height rows: only the rows in view (and a few around them) are in
 * the DOM, so a table of 100,000 runs scrolls like one of fifty. `onNearEnd` asks for more rows
 * when the view comes within a screen of the last one loaded.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

const OVERSCAN = 8;

export function VirtualRows(props: {
  rowCount: number;
  rowHeight: number;
  height: number;
  renderRow: (index: number) => ReactNode;
  onNearEnd?: () => void;
  header?: ReactNode;
  minWidth?: number;
}) {
  const { rowCount, rowHeight, height, renderRow, onNearEnd } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const bodyHeight = rowCount * rowHeight;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  useEffect(() => {
    if (onNearEnd && scrollTop + 2 * height >= bodyHeight) onNearEnd();
  }, [scrollTop, height, bodyHeight, onNearEnd]);

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vrow" style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div ref={scroller} className="vscroll" style={{ height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="virtual-rows">
      <div style={{ minWidth: props.minWidth }}>
        {props.header}
        <div className="vbody" style={{ height: bodyHeight }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
