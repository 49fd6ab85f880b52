import { ODRL_NS } from './odrl.vocabulary.js';

const CC = 'http://creativecommons.org/ns#';

/**
 * `odrl:includedIn` of the ODRL 2.2 vocabulary (https://www.w3.org/TR/odrl-vocab/, the `includedIn` statement of
 * each action): child -> parent. `includedIn` is transitive, so `display` is included in `play`, itself in `use`.
 * `transfer` is a root of its own: `sell` and `give` are transfers, not uses.
 */
const INCLUDED_IN: Readonly<Record<string, string>> = {
  grantUse: 'use', compensate: 'use', acceptTracking: 'use', aggregate: 'use', annotate: 'use', anonymize: 'use',
  archive: 'use', attribute: 'use', concurrentUse: 'use', delete: 'use', derive: 'use', digitize: 'use',
  display: 'play', distribute: 'use', ensureExclusivity: 'use', execute: 'use', extract: 'reproduce',
  give: 'transfer', include: 'use', index: 'use', inform: 'use', install: 'use', modify: 'use', move: 'use',
  nextPolicy: 'use', obtainConsent: 'use', play: 'use', present: 'use', print: 'use', read: 'use',
  reproduce: 'use', reviewPolicy: 'use', sell: 'transfer', stream: 'use', synchronize: 'use',
  textToSpeech: 'use', transform: 'use', translate: 'use', uninstall: 'use', watermark: 'use',
};

/** Creative Commons actions the ODRL vocabulary places under `use`. */
const CC_INCLUDED_IN_USE = ['Reproduction', 'Distribution', 'DerivativeWorks', 'CommercialUse', 'Notice', 'Attribution', 'ShareAlike', 'Sharing', 'SourceCode'];

/**
 * Deprecated ODRL 2.1 actions and the ODRL 2.2 action each is declared equivalent to (`skos:exactMatch`/`owl:sameAs`
 * in the vocabulary): a policy written with `copy` means `reproduce`.
 */
const DEPRECATED: Readonly<Record<string, string>> = {
  copy: `${ODRL_NS}reproduce`, append: `${ODRL_NS}modify`, appendTo: `${ODRL_NS}modify`, write: `${ODRL_NS}modify`,
  writeTo: `${ODRL_NS}modify`, export: `${ODRL_NS}transform`, license: `${ODRL_NS}grantUse`, pay: `${ODRL_NS}compensate`,
  attachPolicy: `${CC}Notice`, attachSource: `${CC}SourceCode`, shareAlike: `${CC}ShareAlike`,
  commercialize: `${CC}CommercialUse`, share: `${CC}Sharing`,
};

/** Every action IRI the vocabulary defines (current and deprecated). */
export const KNOWN_ACTIONS: ReadonlySet<string> = new Set([
  `${ODRL_NS}use`, `${ODRL_NS}transfer`,
  ...Object.keys(INCLUDED_IN).map((a) => `${ODRL_NS}${a}`),
  ...Object.keys(DEPRECATED).map((a) => `${ODRL_NS}${a}`),
  ...CC_INCLUDED_IN_USE.map((a) => `${CC}${a}`),
  // Deprecated actions with no stated equivalent are still terms of the vocabulary.
  ...['lease', 'lend', 'preview', 'secondaryUse', 'adHocShare', 'extractChar', 'extractPage', 'extractWord'].map((a) => `${ODRL_NS}${a}`),
]);

const PARENT = new Map<string, string>([
  ...Object.entries(INCLUDED_IN).map(([c, p]) => [`${ODRL_NS}${c}`, `${ODRL_NS}${p}`] as [string, string]),
  ...CC_INCLUDED_IN_USE.map((c) => [`${CC}${c}`, `${ODRL_NS}use`] as [string, string]),
]);

/** The ODRL 2.2 action a (possibly deprecated) action IRI stands for. */
export const canonicalAction = (iri: string): string => {
  const name = iri.startsWith(ODRL_NS) ? iri.slice(ODRL_NS.length) : undefined;
  // Own properties only: an action named "constructor" must not reach Object.prototype.
  return name !== undefined && Object.hasOwn(DEPRECATED, name) ? DEPRECATED[name]! : iri;
};

/**
 * `action` itself and every action it is included in, transitively (`read` -> read, use). `extraParents` adds
 * `includedIn` statements a profile or state of the world declares.
 */
export function actionAncestors(action: string, extraParents?: (a: string) => readonly string[]): Set<string> {
  const out = new Set<string>();
  const todo = [canonicalAction(action)];
  while (todo.length > 0) {
    const a = todo.pop()!;
    if (out.has(a)) continue;
    out.add(a);
    const p = PARENT.get(a);
    if (p) todo.push(p);
    for (const q of extraParents?.(a) ?? []) todo.push(canonicalAction(q));
  }
  return out;
}

/** True when performing `requested` is an instance of the class of actions `ruleAction` regulates. */
export const actionIncludedIn = (requested: string, ruleAction: string, extraParents?: (a: string) => readonly string[]): boolean =>
  actionAncestors(requested, extraParents).has(canonicalAction(ruleAction));

/** Every known action included in `ruleAction` (itself included): what a permission on it allows. */
export function actionDescendants(ruleAction: string): Set<string> {
  const target = canonicalAction(ruleAction);
  const out = new Set<string>([target]);
  for (const a of KNOWN_ACTIONS) if (actionAncestors(a).has(target)) out.add(a);
  return out;
}
