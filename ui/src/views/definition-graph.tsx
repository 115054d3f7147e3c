import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../api/client';
import type { DefinitionGraph as Graph } from '../api/types';

let rendered = 0;

/** The definition as a flowchart; Mermaid is loaded only when a graph is first shown. */
export function DefinitionGraph({ name, version }: { name: string; version: number }) {
  const holder = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setReady(false);
    (async () => {
      const path = `/api/definitions/${encodeURIComponent(name)}/graph?version=${version}`;
      const [{ graph }, { default: mermaid }] = await Promise.all([getJson<Graph>(path), import('mermaid')]);
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
      rendered += 1;
      const { svg } = await mermaid.render(`definition-graph-${rendered}`, graph);
      if (cancelled || holder.current === null) return;
      holder.current.innerHTML = svg;
      setReady(true);
    })().catch((error: unknown) => {
      if (!cancelled) setProblem(error instanceof Error ? error.message : String(error));
    });
    return () => {
      cancelled = true;
    };
  }, [name, version]);

  return (
    <figure class="graph" aria-label="Definition graph" aria-busy={!ready}>
      {problem !== null && (
        <p class="problem" role="alert">
          The graph could not be drawn: {problem}
        </p>
      )}
      <div ref={holder} class="graph-svg" />
    </figure>
  );
}
