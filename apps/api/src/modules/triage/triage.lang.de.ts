/**
 * German language pack of red-flag triage: data, like `triage.rules.ts`. Patterns are written
 * against `normalizeGerman`'s output: `foldText` (lower case, no accents, ß → ss, no punctuation
 * inside a clause) and then the umlaut spellings folded too (ä/ae → a, ö/oe → o, ü/ue → u), so
 * "Lähmung", "Laehmung" and "Lahmung" are all `lahmung`; write patterns in that folded form (the
 * suite checks it). Compounds are matched by their parts (`brust\w*schmerz`, `\w*vergift`).
 * Sources of the signs and advice: NHS 111 / NHS Inform, Deutsche Schlaganfall-Hilfe (BE-FAST),
 * Deutsche Herzstiftung, Deutsche Gesellschaft für Allergologie (Anaphylaxie-Notfallplan),
 * Telefonseelsorge; the advice is the English rules' advice in German.
 */
import { foldText } from './triage.normalize.js';
import { localizeRules, type LanguagePack, type LocalRule } from './triage.language.js';
import { crisisHeader as englishCrisisHeader, triageRules } from './triage.rules.js';

/** `foldText`, then the umlaut digraphs typed without umlauts (ae, oe, ue) folded like the umlauts. */
export function normalizeGerman(text: string): string {
  let s = foldText(text);
  s = s.replace(/ae/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u');
  // Chat spellings: "nich", "nen"/"ne" (einen/eine), "hab"/"habs".
  s = s
    .replace(/\bnich\b/g, 'nicht')
    .replace(/\bnen\b/g, 'einen')
    .replace(/\bkannst\b/g, 'kann');
  return s;
}

/** A word that is not a negation (used for "up to N words" gaps inside patterns). */
const W = '(?:(?!(?:nicht|nichts|kein\\w*|nie|niemals|ohne)\\b)[a-z0-9]+ )';

export const germanMacros: Record<string, string> = {
  w: W,
  poss: '(?:mein|meine|meinem|meinen|meiner|sein|seine|seinem|seinen|seiner|ihr|ihre|ihrem|ihren|ihrer|der|die|das|dem|den|des|ein|eine|einem|einen|einer)',
  side: '(?:linke\\w*|rechte\\w*|eine\\w*|einer)',
  limb: '(?:arm|arme|armen|bein|beine|beinen|hand|hande|fuss|korperhalfte|korperseite|seite|gesichtshalfte)',
  child:
    '(?:baby|babys|saugling|sauglinge|neugeboren\\w*|kleinkind|kind|kinder|sohn|tochter|enkel\\w*|(?:\\d+|ein|eine|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|elf) (?:tage|wochen|monate|jahre) alt\\w*)',
  fever: '(?:fieber\\w*|hohe temperatur|temperatur|glut|gluht|heiss|(?:38|39|40|41) (?:grad|c)\\b)',
};

const crisisHeader =
  '**Sie müssen das nicht allein durchstehen.** Wenn Sie in Gefahr sind oder fürchten, diesen Gedanken nachzugeben, rufen Sie jetzt {emergencyNumber} an.';

const local: Record<string, LocalRule> = {
  chest_pain: {
    patterns: [
      '\\bbrust(?:korb|bein)? ?(?:schmerz\\w*|druck|enge|engegefuhl|stechen|brennen|beschwerden|beklemmung\\w*)\\b',
      '\\b(?:schmerz\\w*|druck\\w*|enge|engegefuhl|stechen|brennen|beklemmung\\w*|gewicht) {w}{0,3}?(?:in|auf|an|hinter) (?:der|meiner|seiner|ihrer|die|dem) brust\\w*\\b',
      '\\bbrust\\w* (?:tut|tat) {w}{0,2}?weh\\b',
      '\\bbrust (?:ist |fuhlt sich )?{w}{0,2}?(?:eng|zugeschnurt|schmerzt|brennt|druckt|sticht|wie zugeschnurt)\\b',
      '\\b(?:habe|hab|hat|hatte|habe ich|hat er|hat sie|ist das|das ist|vielleicht|glaube?|befurchte|bekomme|kriege?|einen akuten) {w}{0,3}?(?:herzinfarkt|herzanfall|infarkt)\\b',
      '\\b(?:schmerz\\w*|ziehen|druck) {w}{0,4}?(?:ausstrahl\\w*|zieht) {w}{0,3}?(?:arm|kiefer|hals|schulter|unterkiefer)\\b',
      '\\b(?:schmerz\\w*|ziehen|druck) {w}{0,3}?(?:in den|in die|bis in den|bis in die|zum) (?:linken )?(?:arm|kiefer|hals|schulter|unterkiefer)\\b',
    ],
    unless: ['\\b(?:vorbeugen|vorbeugung|verhindern|risiko|gestorben|starb|verstorben)\\b'],
    advice:
      'Schmerzen oder Druck in der Brust, besonders wenn sie in Arm, Kiefer, Hals oder Rücken ausstrahlen oder mit Schweiß, Übelkeit oder Atemnot einhergehen, können ein Herzinfarkt sein. Setzen Sie sich hin und bleiben Sie ruhig, bis Hilfe kommt. Wenn Sie nicht allergisch gegen Aspirin sind und es Ihnen nicht verboten wurde, kann das Zerkauen einer Aspirin-Tablette (300 mg) helfen.',
  },
  stroke: {
    patterns: [
      // Gesicht
      '\\b(?:gesicht|gesichtshalfte|mund|mundwinkel|lacheln|lippe|augenlid) {w}{0,3}?(?:hangt|hangen|hing|sackt|schief|gelahmt|taub|verzogen|herunter|runter|gefuhllos)\\b',
      '\\b(?:hangende\\w*|schiefe\\w*|herabhangende\\w*) (?:gesicht\\w*|mund\\w*|mundwinkel|lacheln)\\b',
      '\\b(?:gesichtslahmung|fazialisparese)\\b',
      // Arm / Bein, eine Seite
      '\\b(?:plotzlich\\w*|auf einmal) {w}{0,4}?(?:schwach|schwache|taub|taubheit\\w*|gelahmt|lahm|lahmung\\w*|kraftlos\\w*|gefuhllos\\w*)\\b',
      '\\b(?:lahmung\\w*|schwache|taubheit\\w*|kraftlosigkeit|gefuhllosigkeit|kribbeln) {w}{0,2}?(?:im|in der|in einem|in einer|am|an der) {side}? ?{limb}\\b',
      '\\b{side} {limb} {w}{0,3}?(?:gelahmt|lahm|taub|schwach|gefuhllos|kraftlos|hangt|wie tot)\\b',
      '\\b(?:halbseit\\w*|gelahmt|lahmung|lahmungen)\\b',
      '\\bkann {w}{0,3}?(?:arm|bein|hand|arme|beine) {w}{0,1}?(?:nicht|kaum) (?:mehr )?(?:heben|bewegen|spuren|halten|hochheben|anheben)\\b',
      // Sprache
      '\\b(?:verwaschen\\w*|lallend\\w*|undeutlich\\w*|wirr\\w*|abgehackt\\w*) (?:sprache|sprechen|reden|worte|aussprache)\\b',
      '\\b(?:lallt|lallen|nuschelt|spricht {w}{0,2}?(?:undeutlich|verwaschen|wirr|komisch|unverstandlich|seltsam)|redet {w}{0,2}?(?:wirr|unsinn|undeutlich|komisch|unverstandlich))\\b',
      '\\b(?:sprachstorung\\w*|wortfindungsstorung\\w*|sprachverlust)\\b',
      '\\bkann {w}{0,2}?(?:nicht|kaum) (?:mehr )?(?:richtig |deutlich |normal )?(?:sprechen|reden)\\b',
      '\\b(?:worte|worter|sprache|satze) {w}{0,3}?(?:durcheinander|falsch|verwaschen|undeutlich|komisch)\\b',
      '\\b(?:findet|finde) (?:die |keine )?(?:worte|worter) (?:nicht|mehr)\\b',
      // benannt, Augen, Gleichgewicht, Kopfschmerz
      '\\b(?:schlaganfall|hirninfarkt|hirnschlag|apoplex|schlagerl|hirnblutung)\\b',
      '\\b(?:tia|transitorische\\w* ischamische\\w* attacke)\\b',
      '\\b(?:plotzlich\\w*|auf einmal) {w}{0,3}?(?:blind|doppelbilder|doppelt|sehverlust|sehstorung\\w*|verschwommen\\w*|schwarz vor augen)\\b',
      '\\b(?:auf|an|mit) (?:einem|dem linken|dem rechten) auge {w}{0,2}?(?:blind|nichts|verschwommen|schwarz|kaum)\\b',
      '\\b(?:sehverlust|gesichtsfeldausfall|erblindet)\\b',
      '\\b(?:plotzlich\\w*|auf einmal) {w}{0,3}?(?:schwindel\\w*|gleichgewichtsstorung\\w*|gleichgewicht verloren|torkel\\w*|schwankschwindel)\\b',
      '\\b(?:schwindel\\w*|gleichgewicht\\w*|torkel\\w*|schwank\\w*)\\b.{0,40}\\bkann {w}{0,3}?(?:nicht|kaum) (?:mehr )?(?:gerade |richtig )?(?:gehen|laufen|stehen)\\b',
      '\\bkann {w}{0,2}?(?:nicht|kaum) (?:mehr )?gerade (?:gehen|laufen|stehen)\\b',
      '\\b(?:schwindel\\w*|dreh\\w*)\\b.{0,30}\\b(?:doppelt sehen|sehe doppelt|sieht doppelt|doppelbilder|verschwommen sehen|sehe verschwommen)\\b',
      '\\b(?:starkste\\w*|schlimmste\\w*|heftigste\\w*) kopfschmerz\\w* (?:meines|seines|ihres|des) lebens\\b',
      '\\b(?:vernichtungskopfschmerz\\w*|donnerschlagkopfschmerz\\w*)\\b',
      '\\b(?:plotzlich\\w*|auf einmal) {w}{0,2}?(?:starke\\w*|heftige\\w*|extreme\\w*|unertragliche\\w*|rasende\\w*|schlimme\\w*|brutale\\w*) kopfschmerz\\w*',
    ],
    unless: [
      '\\b(?:zahnarzt|betaubung|betaubungsspritze|narkose|schlafparalyse)\\b',
      '\\b(?:schlaganfall ?risiko|vorbeugen|vorbeugung|pravention)\\b',
    ],
    advice:
      'Ein hängendes Gesicht, Schwäche in Arm oder Bein, verwaschene oder verwirrte Sprache, plötzliche Seh- oder Gleichgewichtsstörungen können ein Schlaganfall sein: Jede Minute zählt. Merken Sie sich die Uhrzeit, zu der die Zeichen begannen, und sagen Sie sie der Leitstelle. Nichts essen, trinken oder einnehmen, auch kein Aspirin, bis ein Arzt es erlaubt. Auch wenn die Zeichen wieder verschwinden, muss es heute noch untersucht werden.',
  },
  breathing: {
    patterns: [
      '\\b(?:atemnot|luftnot|kurzatmig\\w*|atembeschwerden|erstickungs\\w*|ersticke|erstickt|ringt nach luft|ringe nach luft|schnappt nach luft)\\b',
      '\\b(?:bekomme?|kriege?|bekommt|kriegt|bekam|kriegte) {w}{0,1}?(?:keine|kaum|schlecht|nicht genug|wenig|fast keine) (?:mehr |noch |richtig )?luft\\b',
      '\\bkann {w}{0,2}?(?:nicht|kaum|schlecht) (?:mehr )?(?:richtig )?(?:atmen|durchatmen|luft holen)\\b',
      '\\b(?:atmet|atme) (?:nicht mehr|nicht|kaum)\\b',
      '\\b(?:hort|horte|hat) {w}{0,1}?aufgehort zu atmen\\b|\\bhort auf zu atmen\\b',
      '\\b(?:lippen|gesicht|haut|finger|zunge) {w}{0,2}?(?:blau|blaulich|grau|lila)\\b',
      '\\b(?:asthmaanfall|asthma anfall|schwere\\w* asthma\\w*)\\b',
      '\\b(?:spray|inhalator|asthmaspray|notfallspray) {w}{0,2}?(?:hilft|wirkt) (?:nicht|kaum)\\b',
    ],
    unless: ['\\bnase\\b', '\\bnach dem (?:sport|laufen|joggen|treppensteigen|training)\\b'],
    advice:
      'Setzen Sie sich aufrecht hin und lockern Sie enge Kleidung. Wenn Sie ein Notfallspray haben, benutzen Sie es wie gezeigt. Wenn jemand erstickt und nicht husten, sprechen oder atmen kann: bis zu fünf kräftige Schläge zwischen die Schulterblätter, dann Oberbauchkompressionen.',
  },
  anaphylaxis: {
    patterns: [
      '\\banaphyla\\w*\\b',
      '\\ballergische\\w* schock\\w*',
      '\\b(?:hals|rachen|kehle|zunge) {w}{0,3}?(?:schwillt|schwellt|geschwollen|zu|eng|dick|zugeschnurt|zuschnur\\w*)\\b',
      '\\b(?:schwellung|anschwellen) (?:der|von der|von) (?:zunge|hals|kehle|rachen)\\b',
      '\\b(?:epipen|adrenalin\\w*|notfallset|autoinjektor|fastjekt|emerade|jext)\\b',
      '\\bschwere\\w* allergische\\w* reaktion\\b',
    ],
    advice:
      'Wenn ein Adrenalin-Autoinjektor (z. B. EpiPen, Fastjekt) vorhanden ist, setzen Sie ihn jetzt in den äußeren Oberschenkel und rufen Sie dann an. Hinlegen und die Beine hochlegen, oder aufsetzen, wenn das Atmen schwerfällt. Ohne Besserung nach 5 Minuten kann ein zweiter Injektor gegeben werden.',
  },
  anaphylaxis_swelling: {
    patterns: [
      '\\b(?:lippen?|gesicht|mund|augen|augenlider) {w}{0,3}?(?:schwillt|schwellen|geschwollen|dick|angeschwollen)\\b',
      '\\b(?:geschwollene\\w*) (?:lippen?|gesicht|mund|augen)\\b',
      '\\b(?:nesselsucht|quaddeln|ausschlag) (?:am ganzen korper|uberall)\\b',
    ],
    withAny: [
      '\\b(?:allergi\\w*|allergen\\w*)\\b',
      '\\b(?:erdnuss\\w*|nuss|nusse|nussen|meeresfrucht\\w*|garnele\\w*|krabben|fisch|eier|milch|sesam|cashew\\w*|mandel\\w*)\\b',
      '\\b(?:stich|gestochen|biene\\w*|wespe\\w*|hornisse\\w*)\\b',
      '\\b(?:penicillin|antibiotik\\w*|amoxicillin|neu\\w* medikament\\w*|neu\\w* tablette\\w*|kontrastmittel)\\b',
    ],
    advice:
      'Schwellungen von Lippen, Gesicht oder Mund nach einem Lebensmittel, einem Stich oder einem Medikament können schnell zur Anaphylaxie werden. Wenn ein Adrenalin-Autoinjektor vorhanden ist und Atmung, Schlucken oder Stimme betroffen sind, setzen Sie ihn jetzt in den äußeren Oberschenkel.',
  },
  suicide_self_harm: {
    patterns: [
      '\\b(?:mich|mir) {w}{0,3}?(?:umbringen|toten|das leben nehmen|etwas antun|was antun|ritzen|aufhangen|erhangen|erschiessen|vergiften)\\b',
      '\\b(?:selbstmord\\w*|suizid\\w*|selbsttotung|lebensmude\\w*)\\b',
      '\\b(?:will|mochte|mag|wollte|kann) (?:einfach )?nicht mehr leben\\b',
      '\\bnicht mehr (?:leben|aufwachen|da sein|hier sein|existieren) (?:will|mochte|wollen)\\b',
      '\\b(?:will|mochte|wurde gerne|wunsche mir|wunschte) {w}{0,2}?(?:sterben|tot sein|nicht mehr aufwachen)\\b',
      '\\b(?:ritze mich|ritzen mich|selbstverletz\\w*|verletze mich selbst|schneide mich)\\b',
      '\\b(?:alles beenden|allem ein ende setzen|meinem leben ein ende|mein leben beenden|lieber tot|besser tot|ohne mich besser dran|ohne mich besser)\\b',
      '\\b(?:keinen|kein) sinn mehr (?:zu leben|im leben|weiterzuleben)\\b|\\b(?:keinen|kein) grund mehr zu leben\\b',
    ],
    unless: [
      '\\b(?:aus versehen|versehentlich|beim kochen|beim rasieren|beim schneiden|am messer|am glas)\\b',
      '\\b(?:pravention|praventions\\w*|aufklarung)\\b',
    ],
    advice:
      'Sie können jetzt sofort mit jemandem sprechen, rund um die Uhr: {crisisLine}. Wenn möglich, sagen Sie einem Menschen, dem Sie vertrauen, wie es Ihnen geht, bleiben Sie bei ihm und entfernen Sie sich von allem, womit Sie sich verletzen könnten. Solche Gedanken können mit Unterstützung besser werden, und Sie verdienen diese Unterstützung.',
  },
  overdose_poisoning: {
    patterns: [
      '\\buberdos\\w*\\b',
      '\\b(?:ganze|ganzen|komplette|kompletten|volle) (?:packung|schachtel|flasche|dose|blister\\w*|streifen|dosis)\\b',
      '\\b(?:[1-9][0-9]+|zu viele|viel zu viele|eine handvoll|handvoll|jede menge|alle meine|alle|dutzende) {w}{0,2}?(?:tabletten|pillen|kapseln|schlaftabletten|paracetamol|ibuprofen|aspirin|schmerzmittel|schmerztabletten|medikamente|tramadol|insulin|antidepressiva|beruhigungsmittel)\\b {w}{0,3}?(?:genommen|geschluckt|eingenommen|gegessen|eingeworfen|gespritzt)\\b',
      '\\b\\w*vergift\\w*\\b',
      '\\b(?:bleiche|chlorreiniger|abflussreiniger|rattengift|frostschutz\\w*|knopfbatterie\\w*|batterie\\w*|magnet\\w*|waschmittel\\w*|spulmaschinentab\\w*|lampenol|reiniger|putzmittel|gift|pflanzenschutzmittel|pilze)\\b {w}{0,4}?(?:getrunken|geschluckt|gegessen|verschluckt|trinken|erwischt)\\b',
      '\\b(?:verschluckt|geschluckt|getrunken) {w}{0,3}?(?:bleiche|chlorreiniger|abflussreiniger|rattengift|frostschutz\\w*|knopfbatterie\\w*|batterie\\w*|magnet\\w*|waschmittel\\w*|gift|lampenol)\\b',
      '\\bkohlenmonoxid\\w*\\b',
    ],
    unless: [
      '\\b(?:lebensmittelvergiftung\\w*|giftnotruf|giftinformations\\w*|giftig\\w*|melder|warnmelder)\\b',
      '\\bmagen ?darm\\b',
    ],
    advice:
      'Warten Sie nicht auf Beschwerden: Manche Medikamente und Gifte, darunter Paracetamol, schaden erst Stunden später. Niemanden zum Erbrechen bringen. Packung, Flasche oder Pflanze aufheben und den Helfern zeigen. Auch ein Giftnotruf kann beraten.',
  },
  severe_bleeding: {
    patterns: [
      '\\b(?:blutet|bluten|blute) (?:sehr |extrem |total |so |ganz |wahnsinnig )?(?:stark|heftig|massiv|ohne ende|wie verruckt|unaufhorlich)\\b',
      '\\b(?:starke|schwere|massive|heftige|unstillbare|arterielle) (?:blutung\\w*|blutverlust)\\b',
      '\\b(?:blutung|blut|es|wunde) (?:hort|horte) (?:einfach )?nicht (?:mehr )?auf(?: zu bluten)?\\b',
      '\\bblutung {w}{0,2}?(?:lasst sich nicht stillen|nicht zu stoppen|nicht stoppen)\\b',
      '\\b(?:kann|konnen) (?:die )?blutung nicht stoppen\\b',
      '\\b(?:spuckt|spucke|huste|hustet|erbreche|erbricht|kotzt|kotze|bricht|breche) {w}{0,2}?blut\\b',
      '\\b(?:blut (?:husten|spucken|erbrechen|erbrochen|gespuckt|gehustet|gekotzt)|bluthusten|bluterbrechen|blutspucken|bluterbrechen)\\b',
      '\\bblut (?:spritzt|schiesst|stromt|sprudelt|lauft in stromen)\\b',
      '\\b(?:viel|sehr viel|so viel) blut verloren\\b',
    ],
    unless: ['\\b(?:periode|regel|menstruation|nasenbluten|zahnfleisch\\w*|papierschnitt)\\b'],
    advice:
      'Drücken Sie mit einem sauberen Tuch oder der Hand fest auf die Wunde und lassen Sie nicht los, um nachzusehen; lagern Sie den verletzten Körperteil wenn möglich hoch. Ziehen Sie nichts heraus, was in der Wunde steckt. Halten Sie die Person warm und liegend.',
  },
  unconscious_seizure: {
    patterns: [
      '\\b(?:bewusstlos\\w*|nicht ansprechbar|nicht mehr ansprechbar|reagiert nicht|reagiert nicht mehr|regungslos|bewusstsein verloren|ohne bewusstsein)\\b',
      '\\b(?:zusammengebrochen|kollabiert|zusammengesackt)\\b',
      '\\b(?:krampfanfall\\w*|epileptisch\\w* anfall|einen anfall|krampft|krampfen|zuckt am ganzen korper|zuckungen am ganzen korper|grand mal)\\b',
      '\\bwacht {w}{0,1}?nicht (?:mehr )?auf\\b',
      '\\b(?:kann|konnen|kriege|bekomme) (?:ihn|sie|meinen \\w+|meine \\w+|das baby|das kind) (?:nicht|kaum) (?:mehr )?(?:auf)?(?:wecken|wach)\\b',
    ],
    unless: [
      '\\b(?:gut eingestellt|medikament\\w* gegen|anfallsfrei|app|handy|computer|server|seite|programm)\\b',
      '\\b(?:morgens|fruh|wecker)\\b',
    ],
    advice:
      'Wenn die Person nicht reagiert und nicht normal atmet, beginnen Sie mit der Herzdruckmassage, wenn Sie können; die Leitstelle leitet Sie an. Während eines Krampfanfalls nicht festhalten und nichts in den Mund stecken: harte Gegenstände wegräumen und die Zeit messen. Danach in die stabile Seitenlage bringen.',
  },
  sudden_confusion: {
    patterns: [
      '\\b(?:plotzlich\\w*|auf einmal) {w}{0,3}?(?:verwirrt|desorientiert|durcheinander|wirr)\\b',
      '\\b(?:verwirrt|desorientiert) und {w}{0,3}?(?:wirr|unsinn|redet|spricht|erkennt|orientierungslos)\\b',
      '\\berkennt (?:mich|uns|niemanden|seine familie|ihre familie|seine frau|ihren mann) (?:nicht|nicht mehr)\\b',
      '\\bweiss (?:nicht|nicht mehr) wo (?:er|sie) ist\\b',
      '\\bredet {w}{0,2}?(?:wirres zeug|unsinn|wirr)\\b',
    ],
    advice:
      'Plötzliche Verwirrtheit kann von einem Schlaganfall, einer schweren Infektion, Unterzucker oder einer Vergiftung kommen. Bleiben Sie bei der Person und merken Sie sich, wann es anfing.',
  },
  meningitis: {
    patterns: [
      '\\b(?:steife\\w* nacken|nackensteif\\w*|genickstarre|nacken (?:ist |fuhlt sich )?{w}{0,2}?steif|kann {w}{0,2}?kinn nicht (?:auf|zur|an) (?:die )?brust)\\b',
      '\\b(?:lichtempfindlich\\w*|licht tut {w}{0,2}?(?:augen )?weh)\\b',
    ],
    withAny: ['\\b{fever}'],
    advice:
      'Fieber mit steifem Nacken, Lichtscheu oder einem Ausschlag, der unter einem aufgedrückten Glas nicht verblasst, kann eine Hirnhautentzündung sein, die sofort behandelt werden muss.',
  },
  non_blanching_rash: {
    patterns: [
      '\\b(?:meningitis|hirnhautentzundung|meningokokken|sepsis|blutvergiftung)\\b',
      '\\b(?:ausschlag|flecken|punkte|pusteln) {w}{0,4}?(?:verschwindet|verschwinden|geht|gehen|verblasst|verblassen|wegdruckbar|wegdrucken) {w}{0,4}?nicht\\b',
      '\\b(?:glastest|nicht wegdruckbar\\w*)\\b',
      '\\b(?:lila|violett\\w*|dunkelrote\\w*) (?:ausschlag|flecken|punkte)\\b',
    ],
    unless: ['\\b(?:impf\\w*|spritze|auffrischung)\\b'],
    advice:
      'Ein Ausschlag, der unter einem aufgedrückten Glas nicht verblasst, zusammen mit Fieber oder starkem Krankheitsgefühl, kann eine Hirnhautentzündung oder Sepsis sein, die sofort behandelt werden müssen.',
  },
  sepsis: {
    patterns: [
      '\\b(?:haut|beine|arme|knie) {w}{0,2}?(?:marmoriert|fleckig|blaulich|aschfahl)\\b',
      '\\bmarmoriert\\w*\\b',
      '\\b(?:seit|den ganzen) {w}{0,2}?(?:tag|tagen|stunden) (?:nicht|kein|keinen|kaum) (?:mehr )?(?:urin|pipi|wasser gelassen|uriniert|auf toilette)\\b',
      '\\b(?:schuttelfrost|zittert|zittere) {w}{0,1}?(?:unkontrolliert|am ganzen korper|wie verruckt|heftig)\\b',
      '\\b(?:gefuhl|fuhle mich|fuhlt sich an) {w}{0,3}?(?:als ob|als wurde|wie) (?:ich|er|sie) (?:sterbe|sterben wurde|stirbt)\\b',
    ],
    withAny: [
      '\\b{fever}',
      '\\b(?:infekt\\w*|entzundung\\w*|wunde|harnweg\\w*|lungenentzundung|nach (?:der|einer) (?:op|operation)|schuttelfrost)\\b',
    ],
    advice:
      'Fieber oder eine Infektion zusammen mit Verwirrtheit, marmorierter oder bläulicher Haut, sehr schneller Atmung, Schüttelfrost oder keinem Urin seit einem Tag können eine Sepsis sein, die sofort behandelt werden muss. Sagen Sie: "Ich mache mir Sorgen wegen einer Sepsis."',
  },
  pregnancy_bleeding: {
    patterns: [
      '\\bschwanger\\w*\\b',
      '\\b(?:ssw|schwangerschaftswoche)\\b',
      '\\b(?:eileiterschwangerschaft|extrauterin\\w*)\\b',
    ],
    withAny: [
      '\\b(?:blutung\\w*|blute|blutet|bluten|blut)\\b',
      '\\b(?:starke|heftige|schlimme|unertragliche) (?:bauchschmerzen|unterleibsschmerzen|krampfe|schmerzen|kopfschmerzen)\\b',
      '\\b(?:fruchtblase {w}{0,1}?geplatzt|fruchtwasser)\\b',
      '\\beileiter\\w*\\b',
    ],
    advice:
      'Blutungen, starke Bauchschmerzen oder ein Blasensprung in der Schwangerschaft müssen sofort untersucht werden. Rufen Sie unterwegs Ihre Geburtsklinik an, wenn Sie die Nummer haben.',
  },
  infant_fever: {
    patterns: [
      '\\b(?:neugeboren\\w*|(?:\\d|1[0-2]|ein|eine|einen|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|elf|zwolf) (?:tag|tage|woche|wochen) alt\\w*|(?:[0-2]|ein|einen|zwei) (?:monat|monate) alt\\w*)\\b',
    ],
    withAny: ['\\b{fever}'],
    advice:
      'Ein Baby unter 3 Monaten mit einer Temperatur von 38 °C oder mehr muss sofort ärztlich untersucht werden, auch wenn es sonst gesund wirkt.',
  },
  child_danger: {
    patterns: ['\\b{child}\\b'],
    withAny: [
      '\\b(?:schlapp|apathisch|teilnahmslos|leblos|marmoriert\\w*|stohn\\w*)\\b',
      '\\b(?:kaum|schwer|nicht) (?:zu )?wecken\\b|\\blasst sich (?:kaum|nicht) wecken\\b',
      '\\b(?:vorgewolbte|eingesunkene) fontanelle\\b',
      '\\bschrill\\w* (?:schreien|schrei|weinen)\\b',
      '\\b(?:reagiert nicht|nicht ansprechbar)\\b',
      '\\b(?:blau|grau) (?:lippen|haut|zunge)\\b',
    ],
    advice:
      'Ein Baby oder Kind, das schlapp, kaum zu wecken, blau, grau oder marmoriert ist, bei jedem Atemzug stöhnt oder schrill schreit, braucht jetzt Notfallhilfe.',
  },
  head_injury_severe: {
    patterns: [
      '\\b(?:kopf|schadel|hinterkopf) {w}{0,3}?(?:angeschlagen|gestossen|aufgeschlagen|verletzt|geprallt|gestosst)\\b',
      '\\b(?:gehirnerschutterung|kopfverletzung|schadel ?hirn ?trauma|platzwunde am kopf|auf den kopf gefallen)\\b',
    ],
    withAny: [
      '\\b(?:erbrech\\w*|ubergeb\\w*|erbricht|kotzt|spuckt)\\b',
      '\\b(?:verwirrt|desorientiert|benommen|schlafrig|kaum wach)\\b',
      '\\b(?:bewusstlos|ohnmachtig|kurz weg)\\b',
      '\\b(?:krampf\\w*|anfall)\\b',
      '\\b(?:blutverdunn\\w*|marcumar|xarelto|eliquis|warfarin|apixaban|rivaroxaban)\\b',
    ],
    advice:
      'Nach einer Kopfverletzung müssen Erbrechen, Verwirrtheit, Schläfrigkeit, ein Krampfanfall, Bewusstlosigkeit, Flüssigkeit aus Ohren oder Nase oder die Einnahme von Blutverdünnern sofort im Notfall untersucht werden. Lassen Sie die Person nicht allein.',
  },
  head_injury: {
    patterns: [
      '\\b(?:kopf|schadel|hinterkopf) {w}{0,3}?(?:angeschlagen|gestossen|aufgeschlagen|verletzt|geprallt|gestosst)\\b',
      '\\b(?:gehirnerschutterung|kopfverletzung|schadel ?hirn ?trauma|platzwunde am kopf|auf den kopf gefallen)\\b',
    ],
    advice:
      'Nach einem Schlag auf den Kopf lassen Sie sich heute untersuchen, besonders wenn Sie über 65 sind oder Blutverdünner nehmen. Rufen Sie {emergencyNumber} an, wenn Erbrechen, Verwirrtheit, Schläfrigkeit, ein Krampfanfall oder zunehmende Kopfschmerzen auftreten.',
  },
  allergic_reaction: {
    patterns: [
      '\\ballergische\\w* reaktion\\b',
      '\\b(?:nesselsucht|quaddeln|nesselausschlag)\\b',
      '\\b(?:lippen?|gesicht|augen|augenlider|mund) {w}{0,3}?(?:schwillt|schwellen|geschwollen|angeschwollen)\\b',
    ],
    advice:
      'Eine allergische Reaktion, die sich ausbreitet, oder jede Schwellung im Gesicht oder Mund braucht heute einen Arzt. Rufen Sie sofort {emergencyNumber} an, wenn Atmung, Schlucken oder Stimme betroffen sind oder Ihnen schwindlig wird.',
  },
  fainting: {
    patterns: [
      '\\b(?:ohnmachtig\\w*|ohnmacht\\w*|umgekippt|kollaps|synkope|kurz weggetreten|bewusstsein kurz verloren)\\b',
    ],
    advice:
      'Eine Ohnmacht sollte heute ärztlich abgeklärt werden, sofort, wenn sie bei Anstrengung, mit Brustschmerzen oder Herzrasen oder nach einer Kopfverletzung auftrat.',
  },
  severe_abdominal_pain: {
    patterns: [
      '\\b(?:starke\\w*|heftige\\w*|unertragliche\\w*|extreme\\w*|schlimmste\\w*|krasse\\w*) (?:bauchschmerz\\w*|bauchkrampf\\w*|unterleibsschmerz\\w*|magenschmerz\\w*|schmerz\\w* im (?:bauch|unterbauch|unterleib))\\b',
      '\\b(?:brettharter bauch|bauch ist (?:bretthart|hart wie ein brett)|blinddarm\\w*)\\b',
    ],
    advice:
      'Starke oder zunehmende Bauchschmerzen müssen heute untersucht werden. Essen Sie nichts, bis ein Arzt Sie gesehen hat; rufen Sie {emergencyNumber} an, wenn der Schmerz unerträglich ist, der Bauch bretthart wird oder Sie Blut erbrechen oder sich einer Ohnmacht nahe fühlen.',
  },
  high_fever: {
    patterns: [
      '\\b(?:fieber|temperatur)\\b {w}{0,3}?(?:40|41|42)\\b',
      '\\b(?:40|41|42) (?:grad|c)\\b',
      '\\bfieber (?:seit )?(?:mehr als |uber )?(?:3|drei|4|vier|5|funf|6|sechs|7|sieben) tage\\w*\\b',
    ],
    advice:
      'Eine Temperatur von 40 °C oder mehr oder Fieber über mehr als 3 Tage braucht heute einen Arzt. Viel trinken; rufen Sie {emergencyNumber} an bei Verwirrtheit, steifem Nacken, einem nicht verblassenden Ausschlag oder Atemnot.',
  },
};

export const german: LanguagePack = {
  code: 'de',
  cues: {
    normalize: normalizeGerman,
    clauseBreak: /\s*(?:,|\b(?:aber|jedoch|allerdings|obwohl|sondern|ausser|trotzdem|und dann|und jetzt|doch)\b)\s*/,
    preNegation:
      /\b(?:kein|keine|keinen|keinem|keiner|keines|nicht|nie|niemals|ohne|weder|noch nie|verneint|negativ|ausgeschlossen|frei von|nicht mehr)\b/,
    negationWindow: 6,
    pseudoNegation:
      /\b(?:nicht sicher|weiss nicht|keine ahnung|nicht nur|nicht weg|geht nicht weg|hort nicht auf|nicht besser|nicht gut|nicht wohl|nicht normal|niemand|nichts hilft|hilft nicht|hilft nichts|ohne grund|ohne vorwarnung|ohne ende|ob oder nicht|nicht einmal)\b/g,
    scopeBreak:
      /\b(?:und|weil|da|denn|seit|seitdem|als|wenn|nachdem|bevor|wahrend|ich|er|sie|es|wir|man|mein|meine|meinem|meinen|meiner|sein|seine|ihr|ihre|dass|damit|also)\b/g,
    postNegation:
      /^\s*(?:(?:habe|hab|hat|hatte|haben|ist|sind|war|waren|bin|ich|er|sie|es|wir|mehr|auch|noch|gar|ganz|absolut|uberhaupt|aktuell|derzeit|zum gluck|heute|gerade|momentan) ){0,3}(?:nicht|keine?n?|nie|nein|negativ|ausgeschlossen)(?: mehr)?\s*$/,
    history:
      /\b(?:letzte\w* (?:woche|monat|jahr|sommer|winter|fruhling|herbst|weihnachten|mal)|vor (?:\d+|einem|einer|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|ein paar|einigen|vielen|mehreren) (?:wochen|monaten|jahren|jahrzehnten|woche|monat|jahr)|vor (?:jahren|langer zeit|langem)|im jahr (?:19|20)\d\d|(?:19|20)\d\d (?:hatte|hat)|als (?:kind|jugendlicher|jugendliche|baby|teenager|ich jung war|ich klein war|ich schwanger war)|fruher|damals|in der vergangenheit|vorgeschichte|zustand nach|liegt in der familie|meine (?:oma|grossmutter|urgrossmutter|verstorbene \w+) hatte|mein (?:opa|grossvater|urgrossvater|verstorbener \w+) hatte)\b/,
    present:
      /\b(?:jetzt|gerade|momentan|aktuell|derzeit|heute|heute nacht|heute morgen|heute fruh|heute abend|diese woche|wieder|schon wieder|immer noch|noch immer|noch|seit|plotzlich\w*|auf einmal|akut|fangt an|fing an|hat angefangen|ist zuruck|kommt wieder|kam wieder)\b/,
    resolvedNow:
      /\b(?:(?:jetzt|inzwischen|mittlerweile|wieder) (?:gut|ok|okay|besser|weg|vorbei|gesund|normal|in ordnung)|(?:gut|ok|okay|besser|weg|vorbei|gesund|normal) (?:jetzt|inzwischen|mittlerweile))\b/g,
    resolvedAfter:
      /^[a-z ]{0,24}?\b(?:ist weg|war weg|wieder weg|ging weg|ging vorbei|vorbei|verschwunden|hat aufgehort|horte auf|aufgehort|abgeklungen|nachgelassen|ist besser|jetzt gut|jetzt weg)\b/,
    resolvedClause:
      /^(?:und )?(?:es |das |der schmerz |die schmerzen |sie |er |ist |sind |war |waren |ging |gingen |hat |haben |dann |jetzt |wieder |ganz |komplett |inzwischen |zum gluck |aber )*(?:weg|vorbei|verschwunden|aufgehort|abgeklungen|nachgelassen|besser|gut|in ordnung)\b/,
  },
  texts: {
    levelHeaders: {
      emergency:
        '**Das könnte ein medizinischer Notfall sein. Rufen Sie jetzt {emergencyNumber} an** oder gehen Sie in die nächste Notaufnahme. Warten Sie nicht ab, ob es besser wird, und fahren Sie nicht selbst.',
      urgent:
        '**Bitte holen Sie sich heute noch ärztliche Hilfe.** Wenden Sie sich jetzt an eine Arztpraxis, eine Bereitschaftspraxis oder den ärztlichen Bereitschaftsdienst (116 117 in Deutschland). Wenn es schlimmer wird, rufen Sie {emergencyNumber} an.',
    },
    crisisHeader,
    footer:
      '_Ich bin ein KI-Assistent und kann Sie nicht untersuchen. Dieser Hinweis erscheint automatisch, wenn eine Nachricht diese Warnzeichen erwähnt._',
    defaultCrisisLine:
      'eine Krisenhotline (zum Beispiel die Telefonseelsorge in Deutschland unter 0800 111 0 111 oder 0800 111 0 222, in Österreich 142, in der Schweiz 143, oder Ihre örtliche Suizidpräventions-Hotline)',
  },
  macros: germanMacros,
  rules: localizeRules(triageRules, local, englishCrisisHeader, crisisHeader),
  cueWords: (
    'ich mich mir mein meine meinen meinem meiner du dein er sie es wir ihr sein seine ist bin sind war hat habe hab hatte ' +
    'und oder aber nicht kein keine keinen nie ohne mit seit nach vor bei auf aus fur von zum zur der die das dem den des ' +
    'ein eine einen einem einer sehr auch noch schon jetzt heute plotzlich kann konnen will mochte bitte hilfe was wie warum ' +
    'schmerzen schmerz brust kopf kopfschmerzen atemnot luft atmen arm bein gesicht sprache blut blutet fieber baby kind ' +
    'schwanger tabletten tut weh gestern morgen seitdem stark starke starken gefuhl fuhle fuhlt sich ' +
    'konnte vielleicht sehr mal wieder immer dann denn doch ob sind hatte ' +
    'gehabt hatten jahre jahren tage tagen wochen kind kindheit vater mutter mann frau oma opa krampfanfalle schwindelig'
  ).split(' '),
};
