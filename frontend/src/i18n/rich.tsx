/** A translated sentence with a few marked-up words: `<strong>…</strong>`, or `<link>…</link>` and
 * the like given as render functions. Only these tags become elements; everything else is text. */
import type { ComponentChildren } from "preact";

type Tags = Record<string, (children: string) => ComponentChildren>;

const DEFAULT_TAGS: Tags = { strong: (c) => <strong>{c}</strong> };

export function Rich(props: { text: string; tags?: Tags }) {
  const tags = { ...DEFAULT_TAGS, ...props.tags };
  const out: ComponentChildren[] = [];
  const re = /<(\w+)>(.*?)<\/\1>/g;
  let last = 0;
  for (let m = re.exec(props.text); m; m = re.exec(props.text)) {
    const render = tags[m[1]!];
    if (!render) continue;
    out.push(props.text.slice(last, m.index), render(m[2]!));
    last = m.index + m[0].length;
  }
  out.push(props.text.slice(last));
  return <>{out}</>;
}
