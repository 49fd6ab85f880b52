import type { Statement } from './statement.js';

/** ADL and community IRIs the converters write (xAPI SCORM Profile tables, cmi5, ADL vocabulary). */
const ADL = 'http://adlnet.gov/expapi/verbs/';
export const VERB = {
  initialized: `${ADL}initialized`,
  resumed: `${ADL}resumed`,
  suspended: `${ADL}suspended`,
  terminated: `${ADL}terminated`,
  passed: `${ADL}passed`,
  failed: `${ADL}failed`,
  completed: `${ADL}completed`,
  scored: `${ADL}scored`,
  progressed: `${ADL}progressed`,
  responded: `${ADL}responded`,
  commented: `${ADL}commented`,
} as const;

export const ACT = {
  course: 'http://adlnet.gov/expapi/activities/course',
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  attempt: 'http://adlnet.gov/expapi/activities/attempt',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  objective: 'http://adlnet.gov/expapi/activities/objective',
} as const;

export const SCORM_CATEGORY = 'https://w3id.org/xapi/scorm';
export const CMI5 = {
  category: 'https://w3id.org/xapi/cmi5/context/categories/cmi5',
  moveon: 'https://w3id.org/xapi/cmi5/context/categories/moveon',
  sessionid: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
} as const;

/** A verb with its English display (the last segment of the IRI). */
export function verb(id: string): Statement['verb'] {
  const word = id.replace(/[#/]+$/, '').split(/[#/]/).pop() ?? id;
  return { id, display: { 'en-US': word } };
}
