/** One sample of the Prometheus text exposition format. */
export interface Sample {
  /** As exposed: `aurora_http_request_duration_seconds_bucket`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its TYPE and HELP and every sample under it (`_bucket`, `_sum`, `_count` included). */
export interface Family {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

/**
 * Parses the text format (version 0.0.4) strictly enough for tests: every line must be a comment, a
 * `# HELP`/`# TYPE` line or a sample; a sample must belong to the family declared before it.
 */
export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) {
      found = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      const target = family(name);
      families.set(name, kind === 'TYPE' ? { ...target, type: rest } : { ...target, help: rest });
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const owner = familyOf(sample.name, families);
    if (!owner) throw new Error(`sample of an undeclared family: ${line}`);
    owner.samples.push(sample);
  }
  return families;
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  const base = sampleName.replace(/_(bucket|sum|count|total|created)$/, '');
  return families.get(base);
}

function parseSample(line: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
  if (!match) throw new Error(`not a sample line: ${line}`);
  const [, name = '', , body = ''] = match;
  const raw = (match[4] ?? '').toLowerCase(); // Prometheus reads NaN and Inf in any case (prom-client: Nan)
  const value = raw === '+inf' || raw === 'inf' ? Infinity : raw === '-inf' ? -Infinity : Number(raw);
  if (Number.isNaN(value) && raw !== 'nan') throw new Error(`not a number in: ${line}`);
  return { name, labels: parseLabels(body, line), value };
}

function parseLabels(body: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let at = 0;
  while (at < body.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(body);
    if (!match) throw new Error(`bad labels in: ${line}`);
    const [, key = '', escaped = ''] = match;
    labels[key] = escaped.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    at = pattern.lastIndex;
  }
  return labels;
}

/** GETs `<url>/metrics` and parses it; fails on any status but 200. */
export async function scrapeMetrics(url: string): Promise<Map<string, Family>> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}/metrics: ${response.status} ${text}`);
  return parsePrometheus(text);
}
