import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ButtonLink } from '@/components/ui/button';
import { DocumentTitle } from '@/components/ui/document-title';
import { EmergencyNotice } from '@/components/ui/emergency-notice';
import { Composer } from '@/features/chat/components/composer';
import {
  ArrowRightIcon,
  CardIcon,
  ChatIcon,
  LockIcon,
  MicIcon,
  QrIcon,
  ShieldIcon,
  SlidersIcon,
  UserIcon,
} from '@/components/ui/icons';

const FEATURES: Array<{ icon: ReactNode; title: string; text: string }> = [
  {
    icon: <MicIcon />,
    title: 'Ask by text or voice',
    text: 'Type, or simply talk. Replies appear word by word as they are written, and can be read aloud to you.',
  },
  {
    icon: <UserIcon />,
    title: 'No account needed',
    text: 'Start a guest chat straight away. It is kept on this device, works offline, and syncs when you reconnect.',
  },
  {
    icon: <QrIcon />,
    title: 'A medical card with an emergency QR',
    text: 'Keep allergies, conditions, medications and contacts in one card. Print its QR so responders see what matters.',
  },
  {
    icon: <SlidersIcon />,
    title: 'Clinicians choose the model',
    text: 'The clinicians who run the service pick the AI model that answers, fine-tune it on their own data, and switch without downtime.',
  },
];

const STEPS: Array<{ title: string; text: string }> = [
  {
    title: 'Describe what is going on',
    text: 'In your own words, by text or voice. No sign-up for a first question.',
  },
  {
    title: 'Get a careful answer',
    text: 'Plain language, with the reasons. If you allow it, answers take your card into account: allergies, medicines, age.',
  },
  {
    title: 'Know when to see someone',
    text: 'Warning signs such as chest pain or stroke symptoms always get an immediate “get urgent help now” answer.',
  },
];

const PRIVACY: string[] = [
  'Your medical card is encrypted field by field.',
  'You choose what the emergency view shows, and nothing else is visible to whoever scans your QR.',
  'Every read of your card by someone other than you is recorded.',
  'Regenerate your QR code at any time; the old one stops working at once.',
];

function ExampleConversation() {
  return (
    <figure className="rounded-2xl border border-slate-200 bg-white p-5 shadow-lg shadow-slate-900/5 dark:border-slate-800 dark:bg-slate-900 dark:shadow-black/30">
      <figcaption className="mb-4 flex items-center justify-between gap-3 text-sm">
        <span className="flex items-center gap-2 font-semibold">
          <ChatIcon className="size-5 text-teal-700 dark:text-teal-300" />
          Example conversation
        </span>
        <span className="text-slate-600 dark:text-slate-400">Illustration, not advice</span>
      </figcaption>
      <div className="space-y-3 text-sm leading-relaxed">
        <div className="ml-8 rounded-2xl rounded-tr-sm bg-teal-700 px-4 py-3 text-white dark:bg-teal-800">
          <p className="sr-only">You:</p>
          <p>I have had a mild headache since yesterday. What can I take?</p>
        </div>
        <div className="mr-8 rounded-2xl rounded-tl-sm bg-slate-100 px-4 py-3 text-slate-900 dark:bg-slate-800 dark:text-slate-100">
          <p className="sr-only">Medichat:</p>
          <p>
            Rest, water and a standard dose of paracetamol help most tension headaches. Your card lists warfarin, so
            avoid ibuprofen and aspirin unless your doctor agrees.
          </p>
          <p className="mt-2 font-medium">
            Get urgent help if the pain is sudden and severe, or comes with a stiff neck, confusion or weakness.
          </p>
        </div>
      </div>
    </figure>
  );
}

export function Component() {
  const navigate = useNavigate();
  return (
    <>
      <DocumentTitle />
      <section
        aria-labelledby="hero-title"
        className="border-b border-slate-200 bg-gradient-to-b from-teal-50 to-slate-50 dark:border-slate-800 dark:from-teal-950/40 dark:to-slate-950"
      >
        <div className="mx-auto grid max-w-7xl items-center gap-10 px-4 py-6 sm:px-6 sm:py-12 lg:grid-cols-2 lg:gap-16 lg:px-8 lg:py-16">
          <div>
            <p className="mb-3 text-sm font-semibold tracking-wide text-teal-800 uppercase dark:text-teal-300">
              A careful AI health assistant
            </p>
            <h1 id="hero-title" className="text-[2rem] leading-tight font-bold tracking-tight sm:text-5xl">
              Health questions, answered with care.
            </h1>
            {/* Where to type, on the first screen: the question opens a guest chat, ready to send. */}
            <div className="mt-5 max-w-xl rounded-2xl border border-slate-200 bg-white p-3 shadow-sm dark:border-slate-800 dark:bg-slate-900">
              <Composer
                hint="Opens a guest chat with your question, ready to send. No account needed."
                onSend={(text) => void navigate('/chat', { state: { draft: text } })}
              />
            </div>
            <p className="mt-5 max-w-xl text-lg text-slate-700 dark:text-slate-300">
              Medichat is an AI assistant you can ask about symptoms, medicines and test results, by text or by voice.
              It explains in plain language, remembers what you choose to tell it, and says clearly when you should see
              a doctor.
            </p>
            <div className="mt-8 flex flex-col gap-3 sm:flex-row sm:items-center">
              <ButtonLink to="/chat" size="lg">
                Start a guest chat
                <ArrowRightIcon />
              </ButtonLink>
              <ButtonLink to="/register" size="lg" variant="secondary">
                Create an account
              </ButtonLink>
            </div>
            <p className="mt-4 flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
              <LockIcon className="size-4 shrink-0" />
              No account needed. Guest chats stay on this device.
            </p>
          </div>
          <ExampleConversation />
        </div>
      </section>

      <div className="mx-auto max-w-7xl space-y-16 px-4 py-12 sm:space-y-20 sm:px-6 sm:py-16 lg:px-8">
        <EmergencyNotice />

        <section aria-labelledby="features-title">
          <h2 id="features-title" className="text-2xl font-bold tracking-tight sm:text-3xl">
            What Medichat does
          </h2>
          <ul className="mt-8 grid gap-6 sm:grid-cols-2 lg:grid-cols-4">
            {FEATURES.map((feature) => (
              <li
                key={feature.title}
                className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
              >
                <span className="flex size-11 items-center justify-center rounded-xl bg-teal-50 text-teal-800 dark:bg-teal-950 dark:text-teal-200">
                  {feature.icon}
                </span>
                <h3 className="mt-4 text-lg font-semibold">{feature.title}</h3>
                <p className="mt-2 text-slate-700 dark:text-slate-300">{feature.text}</p>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="how-title" className="grid gap-10 lg:grid-cols-2">
          <div>
            <h2 id="how-title" className="text-2xl font-bold tracking-tight sm:text-3xl">
              How it works
            </h2>
            <ol className="mt-8 space-y-6">
              {STEPS.map((step, index) => (
                <li key={step.title} className="flex gap-4">
                  <span
                    aria-hidden="true"
                    className="flex size-9 shrink-0 items-center justify-center rounded-full bg-teal-700 font-bold text-white dark:bg-teal-400 dark:text-slate-950"
                  >
                    {index + 1}
                  </span>
                  <div>
                    <h3 className="text-lg font-semibold">{step.title}</h3>
                    <p className="mt-1 text-slate-700 dark:text-slate-300">{step.text}</p>
                  </div>
                </li>
              ))}
            </ol>
          </div>
          <div className="rounded-2xl border border-slate-200 bg-white p-6 sm:p-8 dark:border-slate-800 dark:bg-slate-900">
            <h2 className="flex items-center gap-3 text-2xl font-bold tracking-tight">
              <ShieldIcon className="size-7 text-teal-700 dark:text-teal-300" />
              Private by design
            </h2>
            <ul className="mt-6 space-y-3">
              {PRIVACY.map((item) => (
                <li key={item} className="flex gap-3 text-slate-700 dark:text-slate-300">
                  <CardIcon className="mt-0.5 size-5 shrink-0 text-teal-700 dark:text-teal-300" />
                  {item}
                </li>
              ))}
            </ul>
          </div>
        </section>

        <section
          aria-labelledby="cta-title"
          className="rounded-3xl bg-teal-800 px-6 py-10 text-center text-white sm:px-12 dark:bg-teal-900"
        >
          <h2 id="cta-title" className="text-2xl font-bold tracking-tight sm:text-3xl">
            Have a question about your health?
          </h2>
          <p className="mx-auto mt-3 max-w-xl text-teal-50">
            Ask now as a guest. Create an account later to keep your chats and a medical card.
          </p>
          <div className="mt-6 flex flex-col justify-center gap-3 sm:flex-row">
            <ButtonLink to="/chat" size="lg" variant="inverse">
              Start a guest chat
            </ButtonLink>
            <ButtonLink to="/login" size="lg" variant="inverse-outline">
              Sign in
            </ButtonLink>
          </div>
        </section>
      </div>
    </>
  );
}
