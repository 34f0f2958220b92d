import { ComingSoon } from '@/components/ui/coming-soon';
import { CardIcon } from '@/components/ui/icons';

/** The sections a medical card holds (SPEC "Medical card"). Listed so the placeholder is concrete. */
export const CARD_SECTIONS = [
  { title: 'Profile', text: 'Name, date of birth, sex, language, primary physician.' },
  { title: 'Measurements', text: 'Blood type, height and weight; BMI and its WHO category, worked out for you.' },
  { title: 'Allergies', text: 'Each substance with the reaction and how severe it is.' },
  { title: 'Conditions', text: 'Long-term and current conditions.' },
  { title: 'Medications', text: 'Name, dose and schedule.' },
  { title: 'Immunizations', text: 'Vaccines and when you had them.' },
  { title: 'Emergency contacts', text: 'Who to call, and how they are related to you.' },
  { title: 'Organ donor and notes', text: 'Your decision, and anything else responders should know.' },
] as const;

export function CardSections() {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      {CARD_SECTIONS.map((section) => (
        <li
          key={section.title}
          className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h3 className="font-semibold">{section.title}</h3>
          <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{section.text}</p>
        </li>
      ))}
    </ul>
  );
}

export function CardPlaceholder() {
  return (
    <ComingSoon
      icon={<CardIcon className="size-6" />}
      title="Your medical card will show here once you are signed in."
      status="Coming soon: editing the card, with changes saved as you go."
    >
      <p>Everything on it is encrypted field by field. You choose which fields the emergency view shows.</p>
    </ComingSoon>
  );
}
