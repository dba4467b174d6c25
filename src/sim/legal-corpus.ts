// A procedural corpus of short legal problems (`sim:legal`): an invented statute of six sections
// (a definition, a duty, a time limit, an exception, a saving that cuts the exception back, a
// remedy), a set of facts, and the question a client asked. Every section is numbered in the same
// order in every document, so the sim personas read a section's role from its number alone. In
// every problem the saving takes the facts out of the exception, so the claim succeeds.
import seedrandom from 'seedrandom';
import type { SimDocument } from './types.ts';

/** Marks a document as a sim legal problem (the legal personas look for this line). */
export const LEGAL_MARKER = '<!-- simulated legal problem: invented law, not real data -->';

/** What each section number does in every statute of the corpus. */
export const SECTION_ROLES = ['definition', 'duty', 'time limit', 'exception', 'saving', 'remedy'] as const;

interface Domain {
  act: string;
  /** Who the claim is against, one drawn per problem. */
  respondents: string[];
  claimant: string;
  respondent: string;
  /** The six sections: a short heading and the provision, in SECTION_ROLES order. */
  sections: Array<[heading: string, text: string]>;
  facts: (names: Names, days: number) => string;
  question: (names: Names) => string;
}

interface Names {
  claimant: string;
  respondent: string;
}

const PEOPLE = ['Amira Haddad', 'Jonas Berg', 'Lucia Ferreira', 'Tomasz Nowak', 'Grace Okafor', 'Henrik Lund', 'Priya Raman', 'Mateo Silva', 'Ines Duarte', 'Kofi Mensah'];

const DOMAINS: Domain[] = [
  {
    act: 'Residential Repairs Act',
    respondents: ['Northgate Lettings Ltd', 'Harbour Homes Ltd', 'Mrs Ellen Park'],
    claimant: 'tenant',
    respondent: 'landlord',
    sections: [
      ['Serious defect', 'A "serious defect" is a defect in a dwelling that makes it unsafe or unfit to live in, including a failed heating system between October and April.'],
      ['Duty to repair', 'A landlord must repair a serious defect in a let dwelling once the tenant has given written notice of it.'],
      ['Repair period', 'The repair must be completed within 14 days after the notice is received; notice sent by email is received on the next working day.'],
      ['Tenant-fault exception', 'Section 2 does not apply to a defect caused by the act or neglect of the tenant or of a person living with the tenant.'],
      ['Ordinary-use saving', 'Section 4 does not apply where the act relied on was ordinary use of the dwelling or of a fixture in it.'],
      ['Rent abatement', 'Where a landlord fails to meet the duty in section 2, the tenant may withhold one third of the rent for each month in which the defect remains unrepaired.'],
    ],
    facts: (names, days) =>
      `${names.claimant} rents a flat from ${names.respondent}. On a Friday in November the boiler stopped working after ${names.claimant} ` +
      `turned the thermostat up to its highest setting, as the manual allows. ${names.claimant} emailed ${names.respondent} that evening. ` +
      `The boiler was repaired ${days + 14} days later. ${names.respondent} says the tenant broke it and refuses any reduction of the rent.`,
    question: (names) => `May ${names.claimant} withhold part of the rent for November, and if so how much?`,
  },
  {
    act: 'Distance Sales Act',
    respondents: ['Brightmoor Furniture plc', 'Sofa Direct Ltd', 'Linden Home Online'],
    claimant: 'buyer',
    respondent: 'seller',
    sections: [
      ['Distance contract', 'A "distance contract" is a sale concluded without the buyer and the seller being present together, including a sale made through a website.'],
      ['Right to cancel', 'A buyer under a distance contract may cancel it by telling the seller and returning the goods.'],
      ['Cancellation period', 'Notice of cancellation must be given within 14 days after the goods are delivered; the period is extended by 12 months if the seller never told the buyer of the right to cancel.'],
      ['Custom-goods exception', 'Section 2 does not apply to goods made to the buyer\'s specification.'],
      ['Catalogue-options saving', 'Section 4 does not apply where the specification consisted only of choosing among options the seller offers to every buyer.'],
      ['Refund', 'On a valid cancellation the seller must refund the price and the standard delivery charge within 14 days after receiving the goods back.'],
    ],
    facts: (names, days) =>
      `${names.claimant} ordered a sofa from ${names.respondent}'s website, choosing the fabric and the leg colour from drop-down menus. ` +
      `The order confirmation said nothing about cancelling. ${days} days after delivery ${names.claimant} wrote that the order was cancelled ` +
      `and sent the sofa back. ${names.respondent} refuses a refund because the sofa was "made to order".`,
    question: (names) => `Is ${names.claimant} entitled to a refund, and of what?`,
  },
  {
    act: 'Working Hours Act',
    respondents: ['Calder Logistics', 'Fresh Basket Stores', 'Metro Parcel Hub'],
    claimant: 'employee',
    respondent: 'employer',
    sections: [
      ['Overtime', '"Overtime" is time worked beyond 40 hours in a week at the employer\'s request or with its knowledge.'],
      ['Overtime pay', 'An employer must pay for overtime at one and a half times the normal hourly rate.'],
      ['Claim period', 'A claim for overtime pay must be made within 90 days after the end of the week in which the overtime was worked.'],
      ['Managerial exception', 'Section 2 does not apply to an employee in a managerial post.'],
      ['Title-only saving', 'Section 4 does not apply where the employee has a managerial title but no power to hire, dismiss or set the hours of others.'],
      ['Remedy', 'An employer who fails to pay overtime must pay the amount owed plus interest at 5 per cent a year.'],
    ],
    facts: (names, days) =>
      `${names.claimant} is a "shift manager" at ${names.respondent}; the rota and all hiring are decided by the regional office. ` +
      `In one week of March ${names.claimant} worked 52 hours at the supervisor's request, to cover a colleague, and claimed overtime pay ` +
      `${days} days after that week ended. ${names.respondent} replies that managers are not paid overtime.`,
    question: (names) => `Does ${names.respondent} owe ${names.claimant} overtime pay for that week?`,
  },
  {
    act: 'Data Breach Notification Act',
    respondents: ['Vantage Data Services', 'Quillfield Insurance', 'Peak Telecom'],
    claimant: 'regulator',
    respondent: 'company',
    sections: [
      ['Personal data breach', 'A "personal data breach" is an unauthorised disclosure of, or access to, data that identify a living person.'],
      ['Duty to notify', 'A company that suffers a personal data breach must notify the regulator.'],
      ['Notification period', 'Notice must be given within 72 hours after the company becomes aware of the breach.'],
      ['Encryption exception', 'Section 2 does not apply where the data disclosed were encrypted.'],
      ['Key-exposure saving', 'Section 4 does not apply where the key needed to read the data was disclosed with them or may have been.'],
      ['Penalty', 'A company that fails to notify in time is liable to a penalty of up to 2 per cent of its annual turnover.'],
    ],
    facts: (names, days) =>
      `A laptop holding an encrypted customer database of ${names.respondent} was stolen from an employee's car; a note with the ` +
      `decryption password was taped inside the laptop bag. ${names.respondent} learned of the theft on a Monday and told the regulator ` +
      `${days} days later, arguing that no notice was needed because the data were encrypted.`,
    question: () => 'Did the company breach its duty to notify, and what is it exposed to?',
  },
  {
    act: 'Animal Keepers Act',
    respondents: ['Orchard Lane Farm', 'Hillcrest Stables', 'Greenacre Farm'],
    claimant: 'injured person',
    respondent: 'keeper',
    sections: [
      ['Keeper', 'The "keeper" of an animal is the person who owns it or has it in their charge at the time.'],
      ['Strict liability', 'A keeper is liable for injury caused by the animal, whether or not the keeper was at fault.'],
      ['Claim period', 'A claim must be brought within three years after the injury; time does not run while the injured person is under 18.'],
      ['Trespasser exception', 'Section 2 does not apply to injury suffered by a person who was on the keeper\'s land without permission.'],
      ['Public-path saving', 'Section 4 does not apply where the injured person was on a public path crossing the land.'],
      ['Damages', 'Damages cover medical costs and lost earnings, reduced by any share of fault of the injured person.'],
    ],
    facts: (names, days) =>
      `${names.claimant} was bitten by a dog kept at ${names.respondent} while walking along the signposted public footpath ` +
      `that crosses the farmyard, without having asked anyone's permission. ${names.respondent} calls that trespassing. ` +
      `The claim was brought ${days} days after the bite.`,
    question: (names) => `Is ${names.respondent} liable to ${names.claimant} for the bite?`,
  },
  {
    act: 'Sale of Goods (Delivery) Act',
    respondents: ['Redfern Timber Ltd', 'Baltic Wood Trading', 'Norse Supplies'],
    claimant: 'buyer',
    respondent: 'seller',
    sections: [
      ['Agreed delivery date', 'The "agreed delivery date" is the date stated in the contract or, if none is stated, 30 days after the contract.'],
      ['Duty to deliver', 'A seller must deliver the goods by the agreed delivery date.'],
      ['Notice to perform', 'A buyer whose goods are late may set a further period of at least 7 days by written notice; the contract may be ended only after it has passed.'],
      ['Force-majeure exception', 'Section 2 does not apply while delivery is prevented by an event beyond the seller\'s control.'],
      ['Foreseeable-event saving', 'Section 4 does not apply to an event the seller could have foreseen when the contract was made.'],
      ['Termination and damages', 'A buyer who ends the contract under section 3 may recover the price paid and the extra cost of buying the goods elsewhere.'],
    ],
    facts: (names, days) =>
      `${names.respondent} agreed to deliver timber to ${names.claimant} by 1 June. The delivery did not arrive because of a strike at ` +
      `the port that the union had announced in April, before the contract was signed in May. On 3 June ${names.claimant} gave written ` +
      `notice allowing ${days + 2} more days, then ended the contract and bought the timber elsewhere at a higher price.`,
    question: (names) => `Could ${names.claimant} end the contract, and what can be recovered?`,
  },
];

function statuteText(domain: Domain): string {
  return domain.sections.map(([heading, text], index) => `§ ${index + 1}. ${heading}. ${text}`).join('\n');
}

export function generateLegalCorpus(options: { n: number; seed: number }): SimDocument[] {
  const rng = seedrandom(`legal-${options.seed}`);
  return Array.from({ length: options.n }, (_, offset) => {
    const domain = DOMAINS[Math.floor(rng() * DOMAINS.length)]!;
    const names: Names = {
      claimant: PEOPLE[Math.floor(rng() * PEOPLE.length)]!,
      respondent: domain.respondents[Math.floor(rng() * domain.respondents.length)]!,
    };
    const days = 5 + Math.floor(rng() * 9);
    const id = `simlegal-${String(offset + 1).padStart(4, '0')}`;
    const title = `${domain.act}: ${names.claimant} v ${names.respondent}`;
    const text = [
      LEGAL_MARKER,
      `# ${title}`,
      '',
      `## The ${domain.act} (extract)`,
      statuteText(domain),
      '',
      '## Facts',
      domain.facts(names, days),
      '',
      '## Question',
      domain.question(names),
      '',
    ].join('\n');
    return { id, title, text };
  });
}
