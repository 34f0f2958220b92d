/**
 * French language pack of red-flag triage: data, like `triage.rules.ts`. Patterns are written
 * against `normalizeFrench`'s output: `foldText` (lower case, accents dropped, œ → oe,
 * apostrophes to spaces so "j'ai" is `j ai`, no punctuation inside a clause) plus a few chat
 * spellings ("jai", "chui"). Negation is mostly "ne … pas / plus / jamais", "pas de", "aucun",
 * "sans": the finding patterns that contain their own negation ("je n'arrive pas à respirer")
 * start at the "n"/"ne" so that the cue before them is not read as negating them.
 * Sources of the signs and advice: NHS 111 / NHS Inform, Santé publique France and ameli.fr (AVC :
 * "VITE"), Fédération française de cardiologie, SFA (anaphylaxie), 3114 (numéro national de
 * prévention du suicide); the advice is the English rules' advice in French.
 */
import { foldText } from './triage.normalize.js';
import { localizeRules, type LanguagePack, type LocalRule } from './triage.language.js';
import { crisisHeader as englishCrisisHeader, triageRules } from './triage.rules.js';

const CHAT_FIXES: Record<string, string> = {
  jai: 'j ai',
  jsuis: 'je suis',
  chui: 'je suis',
  chuis: 'je suis',
  jarrive: 'j arrive',
  jpeux: 'je peux',
  jveux: 'je veux',
  ptet: 'peut etre',
  pcq: 'parce que',
  pk: 'pourquoi',
  tjs: 'toujours',
  bcp: 'beaucoup',
  oeil: 'oeil',
  oueil: 'oeil',
  poitrinne: 'poitrine',
  respiree: 'respirer',
};

export function normalizeFrench(text: string): string {
  return foldText(text)
    .split(/([.,!?;:\n])/)
    .map((part) =>
      part
        .split(' ')
        .map((w) => CHAT_FIXES[w] ?? w)
        .join(' '),
    )
    .join('');
}

const W = '(?:(?!(?:pas|plus|jamais|aucun\\w*|sans|ne|n|ni|rien)\\b)[a-z0-9]+ )';

export const frenchMacros: Record<string, string> = {
  w: W,
  poss: '(?:mon|ma|mes|son|sa|ses|le|la|les|l|un|une|des|du|de|d|leur|votre|ta|ton)',
  cant: '(?:(?:n |ne )?(?:peux|peut|pouvons|peuvent|pouvait|arrive|arrivent|arrivait|parviens|parvient) (?:pas|plus|presque pas|presque plus|a peine)|(?:ai|a|avait) du mal|(?:ai|a) de la peine|difficile de|difficulte a|difficultes a|peine a|impossible de)',
  child:
    '(?:bebe|bebes|nourrisson|nouveau ne|enfant|enfants|fils|fille|petit|petite|tout petit|(?:\\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze) (?:jours|semaines|mois|ans))',
  fever: '(?:fievre|fievreux|fievreuse|temperature|brulant|brulante|(?:38|39|40|41) (?:degres|c|de fievre)\\b)',
};

const crisisHeader =
  "**Vous n'avez pas à affronter cela seul·e.** Si vous êtes en danger ou risquez de passer à l'acte, appelez le {emergencyNumber} maintenant.";

const local: Record<string, LocalRule> = {
  chest_pain: {
    patterns: [
      '\\b(?:douleurs?|oppression|serrement|pression|poids|brulure\\w*|gene|point) {w}{0,2}?(?:a|dans|sur|au niveau de|au milieu de) (?:la|ma|sa|le) (?:poitrine|thorax|cage thoracique|sternum)\\b',
      '\\b(?:douleurs?|oppression|serrement|gene|pesanteur|brulure\\w*) thoracique\\w*\\b',
      '\\bmal (?:a|dans|au niveau de) (?:la|ma|sa) (?:poitrine|cage thoracique)\\b',
      '\\b(?:douleurs?|mal|oppression|serrement|pression|poids|brulure\\w*|gene) {w}{0,2}?(?:au|au niveau du|dans le) (?:thorax|sternum|coeur)\\b',
      '\\b(?:poitrine|thorax|cage thoracique) {w}{0,2}?(?:serree|serre|oppressee|me fait mal|lui fait mal|fait mal|brule|comprimee|ecrasee|dans un etau|qui serre|qui brule)\\b',
      '\\b(?:fais|fait|faire|avoir|ai|a|est|c est|peut etre|pense|crois|suis en train de|en train de|une|un) {w}{0,3}?(?:crise cardiaque|infarctus|attaque cardiaque|crise d angine)\\b',
      '\\bdouleur\\w* {w}{0,4}?(?:irradie|irradiant|descend|remonte|part|s etend|se propage|va) {w}{0,3}?(?:bras|machoire|cou|epaule|dos)\\b',
    ],
    unless: ['\\b(?:prevenir|prevention|risque|mort|morte|decede\\w*)\\b'],
    advice:
      "Une douleur ou une pression dans la poitrine, surtout si elle s'étend au bras, à la mâchoire, au cou ou au dos, ou s'accompagne de sueurs, de nausées ou d'essoufflement, peut être une crise cardiaque. Asseyez-vous et restez au calme en attendant les secours. Sauf allergie à l'aspirine ou contre-indication, croquer un comprimé d'aspirine adulte (300 mg) peut aider.",
  },
  stroke: {
    patterns: [
      // Visage
      '\\b(?:visage|bouche|levre|sourire|joue|paupiere|moitie du visage|cote du visage) {w}{0,3}?(?:tombe|tombant|tombante|affaisse\\w*|de travers|paralyse\\w*|engourdi\\w*|deforme\\w*|tordu\\w*|asymetrique|pendant\\w*)\\b',
      '\\b(?:paralysie|asymetrie) (?:faciale|du visage)\\b',
      // Bras / jambe
      '\\b(?:faiblesse|engourdissement|paralysie|perte de force|fourmillements?) {w}{0,3}?(?:soudaine?s?|brutale?s?|subite?s?|d un cote|d un seul cote|du bras|de la jambe|de la main|d un bras|d une jambe|de la moitie du corps|du cote (?:gauche|droit))\\b',
      '\\b(?:soudain\\w*|brutal\\w*|subit\\w*|tout a coup|d un coup) {w}{0,3}?(?:faible|faiblesse|engourdi\\w*|paralyse\\w*|inerte|lourd)\\b',
      '\\b(?:bras|jambe|main|cote) (?:gauche |droit |droite )?{w}{0,2}?(?:paralyse\\w*|engourdi\\w*|inerte|sans force|ne repond plus|mort|lourd|tout mou)\\b',
      '\\b{cant} (?:a )?(?:lever|bouger|soulever|sentir|utiliser) (?:le|la|mon|ma|son|sa|les|mes|ses) (?:bras|jambe|jambes|main)\\b',
      '\\bhemipl\\w*\\b',
      '\\b(?:bras|jambe|main) {w}{0,2}?(?:qui )?(?:ne )?(?:bouge|repond|tient|obeit) plus\\b',
      '\\b(?:vois|voit|voir) (?:flou|double|trouble|noir)\\b.{0,20}\\b(?:d un coup|soudain\\w*|brutalement|tout a coup|d un oeil)\\b',
      // Parole
      '\\b(?:difficulte\\w*|mal|du mal|trouble\\w*) (?:a |de |de la )?(?:parler|parole|articuler|elocution|trouver (?:ses|mes|les) mots)\\b',
      '\\b(?:parle|parlait|parler|articule|prononce) {w}{0,2}?(?:bizarrement|mal|de travers|difficilement|comme (?:un|une) ivre|bizarre|incomprehensible\\w*)\\b',
      '\\b(?:bafouill\\w*|elocution (?:pateuse|difficile|lente)|parole (?:pateuse|confuse|difficile)|propos incoherents|mots (?:ne sortent pas|sortent mal|melanges|incomprehensibles)|aphasie|dysarthrie)\\b',
      '\\b{cant} (?:a )?(?:parler|articuler|trouver (?:ses|mes|les) mots)\\b',
      // Nommé, yeux, équilibre, céphalée
      '\\b(?:avc|accident vasculaire\\w*|attaque cerebrale|accident ischemique transitoire|hemorragie cerebrale)\\b',
      '\\b(?:perte|baisse) (?:soudaine |brutale |subite )?(?:de la |de )?(?:vue|vision)\\b',
      '\\b(?:soudain\\w*|brutal\\w*|subit\\w*|tout a coup|d un coup) {w}{0,3}?(?:vision floue|vue floue|vision double|vois double|vois flou|aveugle|voile noir|ne vois plus)\\b',
      '\\b(?:ne vois plus|vois plus|vois rien|ne vois rien|aveugle|vision floue|vue floue) (?:de|d un|d|avec|a) (?:un|l|mon|l un de mes) ?(?:oeil|yeux)\\b',
      '\\b(?:vertige\\w*|perte d equilibre|desequilibre|tete qui tourne)\\b.{0,40}\\b{cant} (?:a )?(?:marcher|tenir debout|me tenir debout|rester debout)\\b',
      '\\b(?:soudain\\w*|brutal\\w*|subit\\w*|tout a coup) {w}{0,3}?(?:perte d equilibre|desequilibre|vertige\\w*|tituber|titube)\\b',
      '\\b{cant} (?:a )?marcher droit\\b',
      '\\b(?:pire|plus fort|plus violent) mal de tete de (?:ma|sa|toute ma|toute sa) vie\\b',
      '\\b(?:cephalee|mal de tete) en coup de tonnerre\\b',
      '\\b(?:mal de tete|cephalee|migraine) {w}{0,2}?(?:soudain\\w*|brutal\\w*|violent\\w*|atroce|explosif|insupportable)\\b',
      '\\b(?:soudain\\w*|brutal\\w*|violent\\w*|atroce|terrible) (?:mal de tete|cephalee)\\b',
    ],
    unless: [
      '\\b(?:dentiste|anesthesie|piqure chez)\\b',
      '\\b(?:prevenir|prevention|risque d avc|signes d un avc|symptomes d un avc)\\b',
      '\\b(?:apres (?:la |le |une |un )?(?:sport|salle|chute|blessure|accident|operation|vaccin)|epaule|entorse|fracture|platre|dormi dessus)\\b',
    ],
    advice:
      "Un visage qui tombe, une faiblesse d'un bras ou d'une jambe, une parole confuse ou difficile, une perte soudaine de la vue ou de l'équilibre peuvent être un AVC : chaque minute compte. Notez l'heure du début des signes et dites-la au régulateur. Ne mangez, ne buvez et ne prenez aucun médicament, pas même d'aspirine, avant l'avis d'un médecin. Même si les signes disparaissent, il faut consulter aujourd'hui.",
  },
  breathing: {
    patterns: [
      '\\b{cant} (?:a )?(?:respirer|reprendre (?:mon|son) souffle|trouver (?:mon|son) souffle)\\b',
      '\\b(?:n |ne )?(?:respire|respirent) (?:plus|pas|presque plus|mal|tres mal|difficilement)\\b',
      '\\b(?:essouffl\\w*|souffle court|a bout de souffle|manque d air|manque de souffle|detresse respiratoire|difficulte\\w* respiratoire\\w*|etouffe\\w*|suffoque\\w*|dyspnee)\\b',
      '\\b(?:difficulte\\w*|mal|du mal|peine) a respirer\\b',
      '\\b(?:levres|visage|peau|doigts|langue) {w}{0,2}?(?:bleu\\w*|violet\\w*|gris\\w*)\\b',
      '\\b(?:crise d asthme|asthme severe)\\b',
      '\\b(?:ventoline|inhalateur|pompe) {w}{0,2}?(?:(?:ne )?(?:marche|fonctionne|fait effet|soulage) (?:pas|plus))\\b',
    ],
    unless: [
      '\\b(?:par le nez|nez bouche|nez qui coule)\\b',
      '\\bapres (?:le |la |un |une )?(?:sport|course|footing|escaliers|effort)\\b',
    ],
    advice:
      "Asseyez-vous bien droit et desserrez les vêtements. Si vous avez un inhalateur de secours, utilisez-le comme on vous l'a montré. Si quelqu'un s'étouffe et ne peut ni tousser, ni parler, ni respirer : jusqu'à cinq tapes fermes entre les omoplates, puis des compressions abdominales.",
  },
  anaphylaxis: {
    patterns: [
      '\\b(?:anaphyla\\w*|choc allergique|oedeme de quincke|angioedeme)\\b',
      '\\b(?:gorge|langue|larynx) {w}{0,3}?(?:gonfle\\w*|enfle\\w*|se ferme|qui se ferme|serree|qui serre|bloquee|se resserre)\\b',
      '\\b(?:gonflement|oedeme) (?:de la |du )?(?:gorge|langue|larynx)\\b',
      '\\b(?:epipen|adrenaline|anapen|jext|emerade|stylo auto injecteur|auto injecteur)\\b',
      '\\b(?:grave|forte|severe|grosse|violente) (?:reaction allergique|allergie)\\b|\\breaction allergique (?:grave|severe|violente)\\b',
    ],
    advice:
      "Si un stylo d'adrénaline (EpiPen, Anapen) est disponible, injectez-le maintenant dans la face externe de la cuisse, puis appelez. Allongez-vous jambes surélevées, ou restez assis si respirer est difficile. Sans amélioration après 5 minutes, un second stylo peut être utilisé.",
  },
  anaphylaxis_swelling: {
    patterns: [
      '\\b(?:levres?|visage|bouche|yeux|paupieres) {w}{0,3}?(?:gonfle\\w*|enfle\\w*|boursoufle\\w*)\\b',
      '\\b(?:gonflement|oedeme) (?:des |de la |du )?(?:levres?|visage|bouche|paupieres)\\b',
      '\\b(?:urticaire|plaques) (?:partout|sur tout le corps|generalise\\w*)\\b',
    ],
    withAny: [
      '\\b(?:allerg\\w*)\\b',
      '\\b(?:cacahuete\\w*|arachide\\w*|noix|noisette\\w*|fruits de mer|crevette\\w*|poisson|oeufs?|lait|sesame|amande\\w*|cajou)\\b',
      '\\b(?:pique\\w*|piqure|abeille|guepe|frelon)\\b',
      '\\b(?:penicilline|antibiotique\\w*|amoxicilline|nouveau medicament|produit de contraste)\\b',
    ],
    advice:
      "Un gonflement des lèvres, du visage ou de la bouche après un aliment, une piqûre ou un médicament peut vite évoluer en anaphylaxie. Si un stylo d'adrénaline est disponible et que la respiration, la déglutition ou la voix sont touchées, injectez-le maintenant dans la face externe de la cuisse.",
  },
  suicide_self_harm: {
    patterns: [
      '\\b(?:me|m) (?:tuer|suicider|pendre|faire du mal|faire mal|scarifier|ouvrir les veines|jeter sous)\\b',
      '\\b(?:suicid\\w*|idees noires)\\b',
      '\\b(?:en finir|mettre fin a (?:mes|ses) jours|mettre fin a (?:ma|sa) vie|finir avec la vie|plus envie de vivre|plus envie d etre la|envie de mourir|veux mourir|voudrais mourir|veux disparaitre|voudrais disparaitre|envie de disparaitre|aimerais mourir|prefere mourir|prefererais mourir)\\b',
      '\\b(?:ne veux plus|veux plus|ne peux plus|peux plus) (?:vivre|continuer a vivre|continuer comme ca|exister)\\b',
      '\\b(?:aucune|plus aucune|pas de|plus de) raison de vivre\\b',
      '\\b(?:mieux sans moi|serait mieux si je n etais plus la|ne plus me reveiller|disparaitre pour toujours)\\b',
      '\\b(?:je me coupe|je me scarifie|je me brule|automutil\\w*|scarification\\w*)\\b',
    ],
    unless: [
      '\\b(?:par accident|accidentellement|en cuisinant|en me rasant|en coupant|sur un couteau|sur du verre)\\b',
      '\\b(?:prevention du suicide|journee|formation)\\b',
    ],
    advice:
      "Vous pouvez parler à quelqu'un tout de suite, à toute heure : contactez {crisisLine}. Si vous le pouvez, dites à une personne de confiance ce que vous ressentez, restez avec elle et éloignez-vous de ce qui pourrait vous blesser. Ces pensées peuvent s'apaiser avec de l'aide, et vous méritez cette aide.",
  },
  overdose_poisoning: {
    patterns: [
      '\\b(?:overdose|surdose|surdosage|intoxication|intoxique\\w*|empoisonn\\w*)\\b',
      '\\b(?:toute la|toute une|une boite entiere|la boite entiere|tout le|toute ma|toute sa) (?:boite|plaquette|flacon|tube|bouteille|boite de|plaquette de)\\b',
      '\\b(?:avale|pris|prise|ingere|gobe|mange)\\b {w}{0,3}?(?:[1-9][0-9]+|trop de|beaucoup de|plein de|une poignee de|tous mes|toutes mes|tous les|toutes les|des dizaines de) {w}{0,1}?(?:comprimes|cachets|pilules|gelules|medicaments|doliprane|paracetamol|ibuprofene|aspirine|somniferes|antidepresseurs|anxiolytiques|tramadol|insuline)\\b',
      '\\b(?:avale|bu|mange|ingere|lech\\w*)\\b {w}{0,3}?(?:eau de javel|javel|deboucheur|mort aux rats|poison|pesticide|desherbant|antigel|lessive|capsule de lessive|pile bouton|pile|piles|aimant\\w*|white spirit|essence|petrole|champignons?|produit menager|produits menagers|dissolvant)\\b',
      '\\b(?:monoxyde de carbone)\\b',
    ],
    unless: [
      '\\b(?:intoxication alimentaire|detecteur|detecteurs|centre antipoison|alimentaire)\\b',
      '\\b(?:alcoolique|alcoolisee)\\b',
    ],
    advice:
      "N'attendez pas les symptômes : certains médicaments et poisons, dont le paracétamol, font leurs dégâts des heures plus tard. Ne faites pas vomir. Gardez la boîte, le flacon ou la plante pour les secours. Un centre antipoison peut aussi vous conseiller.",
  },
  severe_bleeding: {
    patterns: [
      '\\b(?:saigne|saignent|saignait|saigner) (?:tres |vraiment |trop )?(?:beaucoup|abondamment|enormement|sans arret|a flots|partout|comme pas possible|de partout)\\b',
      '\\b(?:hemorragie|saignement (?:abondant|important|massif|qui ne s arrete pas)|saignement grave)\\b',
      '\\b(?:saignement|sang|ca|plaie) {w}{0,1}?(?:ne s arrete pas|ne s arrete plus|s arrete pas|ne veut pas s arreter)\\b',
      '\\b{cant} (?:a )?(?:arreter|stopper) (?:le |les )?saignement\\w*\\b',
      '\\b(?:crache|crachat|crachats|tousse|vomi|vomis|vomit|vomissement\\w*) {w}{0,2}?(?:du |de )?sang\\b',
      '\\b(?:sang (?:gicle|jaillit|coule a flots|pisse|partout)|perdu (?:beaucoup|enormement) de sang|perd beaucoup de sang)\\b',
      '\\bhemoptysie|hematemese\\b',
    ],
    unless: ['\\b(?:regles|menstruation\\w*|saignement de nez|saigne du nez|gencives?|coupure de papier)\\b'],
    advice:
      'Appuyez fermement sur la plaie avec un linge propre ou la main, sans relâcher pour regarder ; surélevez la partie blessée si possible. Ne retirez pas un objet planté dans la plaie. Gardez la personne au chaud et allongée.',
  },
  unconscious_seizure: {
    patterns: [
      '\\b(?:inconscient\\w*|sans connaissance|perdu connaissance|ne repond plus|ne reagit plus|ne reagit pas|ne repond pas|inanime\\w*)\\b',
      '\\b(?:s est effondre\\w*|effondre\\w*|ecroule\\w*)\\b',
      '\\b(?:crise d epilepsie|crise convulsive|convuls\\w*|fait une crise|crise epileptique|epileptique)\\b',
      '\\b{cant} (?:a )?(?:le |la |les )?(?:reveiller|reveiller mon \\w+|reveiller ma \\w+)\\b',
      '\\bne se reveille (?:pas|plus)\\b',
    ],
    unless: [
      '\\b(?:bien equilibre\\w*|traitement contre|stabilise\\w*|appli\\w*|site|ordinateur|telephone|serveur)\\b',
      '\\b(?:le matin|reveil|alarme)\\b',
    ],
    advice:
      'Si la personne ne répond pas et ne respire pas normalement, commencez le massage cardiaque si vous le pouvez ; le régulateur vous guidera. Pendant une crise convulsive, ne la retenez pas et ne mettez rien dans sa bouche : écartez les objets durs et chronométrez. Ensuite, mettez-la en position latérale de sécurité.',
  },
  sudden_confusion: {
    patterns: [
      '\\b(?:soudain\\w*|brutal\\w*|tout a coup|d un coup) {w}{0,3}?(?:confus\\w*|desoriente\\w*|perdu\\w*|incoherent\\w*)\\b',
      '\\b(?:confus|confuse|desoriente\\w*) et {w}{0,3}?(?:incoherent\\w*|dit n importe quoi|raconte n importe quoi|ne reconnait)\\b',
      '\\b(?:dit|raconte) n importe quoi\\b',
      '\\bne (?:me|nous|reconnait) (?:reconnait )?(?:plus|pas)\\b|\\bne reconnait (?:plus|pas) (?:personne|sa famille|son mari|sa femme)\\b',
      '\\bne sait (?:plus|pas) ou (?:il|elle) est\\b',
    ],
    advice:
      "Une confusion soudaine peut venir d'un AVC, d'une infection grave, d'une hypoglycémie ou d'une intoxication. Restez avec la personne et notez l'heure du début.",
  },
  meningitis: {
    patterns: [
      '\\b(?:raideur (?:de la |du )?nuque|nuque {w}{0,2}?raide|cou raide|{cant} (?:a )?(?:pencher|baisser) (?:la|ma|sa) tete)\\b',
      '\\b(?:photophobie|sensible a la lumiere|lumiere {w}{0,2}?fait mal)\\b',
    ],
    withAny: ['\\b{fever}'],
    advice:
      "De la fièvre avec une nuque raide, une gêne à la lumière ou des taches qui ne s'effacent pas sous un verre appuyé peuvent être une méningite, qui doit être traitée immédiatement.",
  },
  non_blanching_rash: {
    patterns: [
      '\\b(?:meningite|meningocoque\\w*|sepsis|septicemie|purpura)\\b',
      '\\b(?:taches|boutons|plaques|eruption) {w}{0,4}?(?:ne s effacent pas|ne disparaissent pas|ne partent pas|ne blanchissent pas)\\b',
      '\\btest du verre\\b',
    ],
    unless: ['\\b(?:vaccin\\w*|rappel)\\b'],
    advice:
      "Des taches qui ne s'effacent pas quand on appuie un verre dessus, avec de la fièvre ou un malaise important, peuvent être une méningite ou un sepsis, qui doivent être traités immédiatement.",
  },
  sepsis: {
    patterns: [
      '\\b(?:peau|jambes|bras|genoux) {w}{0,2}?(?:marbree\\w*|marbre\\w*|bleutee\\w*|grisatre)\\b',
      '\\bmarbrures?\\b',
      '\\b(?:pas|plus) (?:urine|fait pipi|uriner) depuis\\b',
      '\\b(?:frissons|tremble|grelotte) {w}{0,1}?(?:incontrolables?|violents?|sans arret|de partout)\\b',
      '\\b(?:impression|sensation|sentiment) (?:que je vais|de) mourir\\b',
    ],
    withAny: [
      '\\b{fever}',
      '\\b(?:infection|infecte\\w*|plaie|pneumonie|cystite|apres (?:l|une|mon) operation|frissons)\\b',
    ],
    advice:
      "Une infection ou de la fièvre avec confusion, peau marbrée ou bleutée, respiration très rapide, frissons incontrôlables ou absence d'urine depuis un jour peuvent être un sepsis, qui doit être traité immédiatement. Dites : « Je crains un sepsis. »",
  },
  pregnancy_bleeding: {
    patterns: ['\\b(?:enceinte|grossesse)\\b', '\\bextra uterine\\b', '\\bsemaines d amenorrhee\\b'],
    withAny: [
      '\\b(?:saigne\\w*|saignement\\w*|sang|hemorragie\\w*|pertes de sang)\\b',
      '\\b(?:douleur\\w* (?:tres |)(?:forte\\w*|intense\\w*|violente\\w*|insupportable\\w*)|fortes douleurs|mal au ventre (?:tres fort|insupportable)|crampes (?:fortes|violentes))\\b',
      '\\b(?:perdu les eaux|poche des eaux (?:a )?(?:rompu|perce\\w*)|rupture de la poche)\\b',
      '\\bextra uterine\\b',
    ],
    advice:
      'Des saignements, une forte douleur au ventre ou la perte des eaux pendant la grossesse doivent être examinés immédiatement. Appelez votre maternité en chemin si vous avez son numéro.',
  },
  infant_fever: {
    patterns: [
      '\\b(?:nouveau ne|(?:bebe|nourrisson|enfant|fils|fille|petit|petite|ne|nee|age|agee|a) (?:de |d |a )?(?:\\d|1[0-2]|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze) (?:jour|jours|semaine|semaines)|(?:bebe|nourrisson|enfant|fils|fille|petit|petite|age|agee|a) (?:de |d )?(?:[0-2]|un|deux) mois)\\b',
    ],
    withAny: ['\\b{fever}', '\\b(?:chaud|chaude)\\b'],
    advice:
      "Un bébé de moins de 3 mois avec une température de 38 °C ou plus doit être vu par un médecin tout de suite, même s'il semble aller bien par ailleurs.",
  },
  child_danger: {
    patterns: ['\\b{child}\\b'],
    withAny: [
      '\\b(?:mou|molle|tout mou|toute molle|amorphe|inerte|marbre\\w*|geint|gemit)\\b',
      '\\b(?:difficile|impossible) a reveiller\\b|\\bse reveille (?:pas|plus|difficilement)\\b',
      '\\bfontanelle (?:bombee|creusee|enfoncee)\\b',
      '\\bcri (?:aigu|strident)\\b',
      '\\bne reagit (?:pas|plus)\\b',
      '\\b(?:levres|peau|langue) (?:bleues?|grises?)\\b',
    ],
    advice:
      'Un bébé ou un enfant tout mou, très difficile à réveiller, bleu, gris ou marbré, qui geint à chaque respiration ou pousse un cri aigu a besoin des urgences maintenant.',
  },
  allergic_reaction: {
    patterns: [
      '\\breaction allergique\\b',
      '\\burticaire\\b',
      '\\b(?:levres?|visage|yeux|paupieres|bouche) {w}{0,3}?(?:gonfle\\w*|enfle\\w*)\\b',
    ],
    advice:
      "Une réaction allergique qui s'étend, ou tout gonflement du visage ou de la bouche, nécessite un médecin aujourd'hui. Appelez le {emergencyNumber} immédiatement si la respiration, la déglutition ou la voix sont touchées, ou en cas de malaise.",
  },
  fainting: {
    patterns: [
      '\\b(?:evanoui\\w*|tombe dans les pommes|tombee dans les pommes|malaise vagal|syncope|perte de connaissance breve|vais m evanouir|vais tomber dans les pommes)\\b',
    ],
    advice:
      "Un évanouissement doit être vérifié aujourd'hui, et tout de suite s'il est survenu à l'effort, avec une douleur thoracique ou des palpitations, ou après un coup à la tête.",
  },
  head_injury_severe: {
    patterns: [
      '\\b(?:cogne|tape|heurte|frappe|blesse) {w}{0,2}?(?:la tete|le crane)\\b',
      '\\b(?:traumatisme cranien|commotion cerebrale|choc a la tete|coup sur la tete|tombe sur la tete)\\b',
    ],
    withAny: [
      '\\b(?:vomi\\w*|vomissement\\w*)\\b',
      '\\b(?:confus\\w*|desoriente\\w*|somnolent\\w*|endormi\\w*)\\b',
      '\\b(?:perdu connaissance|inconscient\\w*|assomme\\w*)\\b',
      '\\b(?:convuls\\w*|crise)\\b',
      '\\b(?:anticoagulant\\w*|previscan|xarelto|eliquis|coumadine|warfarine|apixaban|rivaroxaban)\\b',
    ],
    advice:
      'Après un coup à la tête, des vomissements, une confusion, une somnolence, une convulsion, une perte de connaissance, un écoulement par les oreilles ou le nez ou un traitement anticoagulant imposent une évaluation en urgence. Ne laissez pas la personne seule.',
  },
  head_injury: {
    patterns: [
      '\\b(?:cogne|tape|heurte|frappe|blesse) {w}{0,2}?(?:la tete|le crane)\\b',
      '\\b(?:traumatisme cranien|commotion cerebrale|choc a la tete|coup sur la tete|tombe sur la tete)\\b',
    ],
    advice:
      "Après un coup à la tête, faites-vous examiner aujourd'hui, surtout après 65 ans ou sous anticoagulants. Appelez le {emergencyNumber} en cas de vomissements, confusion, somnolence, convulsion ou mal de tête qui s'aggrave.",
  },
  high_fever: {
    patterns: ['\\b(?:fievre|temperature)\\b {w}{0,3}?(?:40|41|42)\\b', '\\b(?:40|41|42) (?:degres|c|de fievre)\\b'],
    advice:
      "Une température de 40 °C ou plus, ou une fièvre de plus de 3 jours, nécessite un médecin aujourd'hui. Buvez beaucoup ; appelez le {emergencyNumber} en cas de confusion, de nuque raide, de taches qui ne s'effacent pas ou de difficulté à respirer.",
  },
};

export const french: LanguagePack = {
  code: 'fr',
  cues: {
    normalize: normalizeFrench,
    clauseBreak:
      /\s*(?:,|\b(?:mais|cependant|pourtant|toutefois|bien que|quoique|sauf|par contre|en revanche|et puis|et maintenant)\b)\s*/,
    preNegation: /\b(?:pas|plus|jamais|aucun|aucune|sans|ni|non|nie|niee|absence de|exclu|exclue|rien)\b/,
    negationWindow: 6,
    pseudoNegation:
      /\b(?:ne sais pas|sais pas|pas sur|pas sure|pas certain\w*|me sens pas bien|ne va pas bien|va pas bien|ca ne va pas|ca va pas|pas bien|pas seulement|ne passe pas|passe pas|ne part pas|part pas|ne s arrete pas|s arrete pas|pas mieux|ne s ameliore pas|rien ne (?:marche|soulage|aide|passe)|rien n y fait|sans (?:raison|prevenir|cause|arret)|pas normal|plus que|pas que|de plus en plus|en plus|de plus|plus fort\w*|plus intense\w*|plus grave\w*)\b/g,
    scopeBreak:
      /\b(?:et|parce que|parce qu|car|puisque|qui|donc|alors|quand|lorsque|depuis|pendant|apres|avant|je|j|il|elle|ils|elles|on|mon|ma|mes|son|sa|ses|leur|mais|sauf)\b/g,
    postNegation: /^\s*(?:(?:est|etait|a ete|sont) )?(?:absente?s?|non|niee?s?|exclue?s?|negati\w*|aucune?)\b/,
    history:
      /\b(?:l annee derniere|l an dernier|l an passe|le mois dernier|la semaine derniere|l ete dernier|l hiver dernier|il y a (?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques|plusieurs) (?:ans|annees|an|annee|mois|semaines|decennies)|il y a (?:longtemps|des annees|des mois|bien longtemps)|en (?:19|20)\d\d|quand j etais (?:enfant|petit|petite|jeune|bebe|ado|adolescent\w*|enceinte)|dans mon enfance|dans le passe|par le passe|autrefois|jadis|antecedents? d\w*|dans la famille|(?:ma|mon|sa|son) (?:grand mere|grand pere|arriere grand mere|arriere grand pere|defunte? \w+|feue? \w+) (?:a eu|avait|a fait|est mort\w*|est decede\w*))\b/,
    present:
      /\b(?:maintenant|en ce moment|actuellement|aujourd hui|ce soir|ce matin|cette nuit|cet apres midi|cette semaine|encore|toujours|de nouveau|a nouveau|depuis|soudain\w*|tout a coup|brusquement|d un coup|revenu\w*|revient|recommence\w*|en train de)\b/,
    resolvedNow:
      /\b(?:(?:ca va|je vais|il va|elle va|va|suis|est) (?:mieux|bien) maintenant|maintenant (?:ca va|je vais bien|c est passe|tout va bien|gueri\w*)|gueri\w* maintenant)\b/g,
    resolvedAfter:
      /^[a-z ]{0,24}?\b(?:est passee?s?|sont passees?|a disparu|ont disparu|disparu|s est arretee?|s est calmee?|est partie?|a cesse|c est passe|ca va mieux|s est estompee?)\b/,
    resolvedClause:
      /^(?:et )?(?:ca |cela |elle |il |elles |ils |la douleur |est |a |s est |c est |ont |sont |ensuite |puis |maintenant |completement |tout |va |heureusement )*(?:passee?s?|disparue?s?|arretee?s?|partie?s?|calmee?s?|mieux|fini\w*|termine\w*)\b/,
  },
  texts: {
    levelHeaders: {
      emergency:
        "**Il pourrait s'agir d'une urgence médicale. Appelez le {emergencyNumber} maintenant** ou rendez-vous aux urgences les plus proches. N'attendez pas que cela passe et ne conduisez pas vous-même.",
      urgent:
        "**Consultez un médecin aujourd'hui.** Contactez dès maintenant un médecin, un service de soins non programmés ou la permanence de soins (116 117 en France). Si cela s'aggrave, appelez le {emergencyNumber}.",
    },
    crisisHeader,
    footer:
      "_Je suis un assistant d'IA et je ne peux pas vous examiner. Ce message s'affiche automatiquement dès qu'un message mentionne ces signes d'alerte._",
    defaultCrisisLine:
      'une ligne d’écoute (par exemple le 3114 en France, le 0800 32 123 en Belgique, le 143 en Suisse, le 1 866 277-3553 au Québec, ou votre ligne locale de prévention du suicide)',
  },
  macros: frenchMacros,
  rules: localizeRules(triageRules, local, englishCrisisHeader, crisisHeader),
  cueWords: (
    'je j ai suis me m moi mon ma mes tu te ton ta il elle on nous vous ils elles son sa ses le la les l un une des du de d ' +
    'et ou mais avec sans pour dans sur au aux est sont etait avait fait ne n pas plus tres depuis ce cette ca c qu que qui ' +
    'quoi comment pourquoi aujourd hui hier maintenant soudain mal douleur douleurs poitrine tete respirer souffle bras jambe ' +
    'visage parler sang saigne fievre bebe enceinte comprimes veux peux arrive sens etre pourrait peut avoir ete quelque chose ' +
    'avais etais eu fais fait jamais enfant fille fils pere mere mari femme depuis ans jours semaines mois ' +
    'evanoui vertiges'
  ).split(' '),
};
