import { DASES_NS, DPV_NS } from './odrl-terms.js';
import type { VocabularyTerm } from './policy-template.js';

/**
 * Purposes a policy may restrict use to. DPV (W3C Data Privacy Vocabulary, https://w3id.org/dpv#) concepts where
 * one fits; education-specific purposes DPV lacks are ours, each narrower than the DPV concept it names in
 * `broadMatch`. Keys are what API callers write; the policy carries the IRIs.
 */
export const PURPOSES: readonly VocabularyTerm[] = [
  { key: 'research', iri: `${DPV_NS}ResearchAndDevelopment`, label: 'Research and development' },
  { key: 'academic-research', iri: `${DPV_NS}AcademicResearch`, label: 'Research conducted in an academic context' },
  { key: 'service-improvement', iri: `${DPV_NS}ServiceOptimisation`, label: 'Improvement (optimisation) of a service' },
  { key: 'service-provision', iri: `${DPV_NS}ServiceProvision`, label: 'Providing the service the data subject uses' },
  { key: 'usage-analytics', iri: `${DPV_NS}ServiceUsageAnalytics`, label: 'Analysis and reporting of the use of a service' },
  { key: 'personalisation', iri: `${DPV_NS}ServicePersonalisation`, label: 'Personalisation of a service' },
  { key: 'public-service-improvement', iri: `${DPV_NS}ImprovePublicServices`, label: 'Improving public services such as education' },
  { key: 'official-statistics', iri: `${DPV_NS}ProvideOfficialStatistics`, label: 'Producing official statistics' },
  { key: 'guidance', iri: `${DASES_NS}EducationalGuidance`, label: 'Educational and career guidance of learners', broadMatch: `${DPV_NS}ServiceProvision` },
  { key: 'learning-analytics', iri: `${DASES_NS}LearningAnalytics`, label: 'Analysis of learning activity to support learners and teachers', broadMatch: `${DPV_NS}ServiceOptimisation` },
  { key: 'impact-assessment', iri: `${DASES_NS}ImpactAssessment`, label: 'Assessing the effects of an educational programme or tool', broadMatch: `${DPV_NS}ResearchAndDevelopment` },
  { key: 'skills-recognition', iri: `${DASES_NS}SkillsRecognition`, label: 'Recognition and certification of skills', broadMatch: `${DPV_NS}ServiceProvision` },
];

export const PURPOSE_KEYS = PURPOSES.map((p) => p.key);

export const purposeIri = (key: string): string => {
  const term = PURPOSES.find((p) => p.key === key);
  if (!term) throw new Error(`unknown purpose ${key}`);
  return term.iri;
};
