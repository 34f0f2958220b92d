/**
 * Spanish language pack of red-flag triage: data, like `triage.rules.ts`. Patterns are written
 * against `normalizeSpanish`'s output: `foldText` (lower case, accents dropped, ñ → n, ¿¡ and
 * punctuation inside a clause to spaces) plus a few chat spellings ("q", "xq", "toy").
 * Negation is a cue before the finding ("no tengo", "sin", "ningún", "nunca", "ya no"); findings
 * that contain their own "no" ("no puedo respirar") start at it, so it is not read as negating them.
 * Sources of the signs and advice: NHS 111 / NHS Inform, MedlinePlus en español, Sociedad Española
 * de Neurología (ictus: "RÁPIDO"), Fundación Española del Corazón, SEAIC (anafilaxia), línea 024
 * (España); the advice is the English rules' advice in Spanish.
 */
import { foldText } from './triage.normalize.js';
import { localizeRules, type LanguagePack, type LocalRule } from './triage.language.js';
import { crisisHeader as englishCrisisHeader, triageRules } from './triage.rules.js';

const CHAT_FIXES: Record<string, string> = {
  q: 'que',
  xq: 'porque',
  pq: 'porque',
  porq: 'porque',
  toy: 'estoy',
  tb: 'tambien',
  tmb: 'tambien',
  muxo: 'mucho',
  nose: 'no se',
  ahorita: 'ahora',
  pecho: 'pecho',
  dolr: 'dolor',
};

export function normalizeSpanish(text: string): string {
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

const W = '(?:(?!(?:no|sin|nunca|jamas|ningun\\w*|ni|nada|tampoco)\\b)[a-z0-9]+ )';

export const spanishMacros: Record<string, string> = {
  w: W,
  poss: '(?:mi|mis|su|sus|el|la|los|las|un|una|tu|tus|le|lo)',
  cant: '(?:no (?:puedo|puede|pueden|podia|podemos|logro|logra|consigo|consigue)|apenas (?:puedo|puede)|(?:me|le) cuesta|dificultad para|dificultades para|problemas para|imposible)',
  child:
    '(?:bebe|bebes|recien nacido|recien nacida|nino|nina|ninos|hijo|hija|nene|nena|(?:\\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once) (?:dias|semanas|meses|anos))',
  fever: '(?:fiebre|febril|calentura|temperatura|ardiendo|(?:38|39|40|41) (?:grados|c|de fiebre)\\b)',
};

const crisisHeader =
  '**No tienes que pasar por esto a solas.** Si estás en peligro o podrías actuar según estos pensamientos, llama ahora al {emergencyNumber}.';

const local: Record<string, LocalRule> = {
  chest_pain: {
    patterns: [
      '\\b(?:dolor\\w*|opresion|presion|peso|ardor|molestia\\w*|punzada\\w*|tirantez) {w}{0,2}?(?:de|en|sobre) (?:el|mi|su) (?:pecho|torax)\\b',
      '\\b(?:dolor|opresion|presion|molestia) (?:toracic[oa]|precordial)\\b',
      '\\b(?:dolor|dolores|opresion|presion|punzadas?) (?:muy )?(?:fuerte |intenso |agudo |terrible |horrible )?(?:de|en el|en) pecho\\b',
      '\\b(?:me|le|nos) (?:duele|duelen|aprieta|oprime|arde|quema) {w}{0,2}?(?:el|mi|su) (?:pecho|torax)\\b',
      '\\b(?:pecho|torax) {w}{0,2}?(?:apretado|oprimido|me duele|le duele|me aprieta|me quema|como si (?:me|le) aplastaran)\\b',
      '\\b(?:tengo|tiene|tenga|teniendo|es|sea|estoy|esta|creo|puede ser|quizas|tal vez|dando|dio|da|un) {w}{0,3}?(?:infarto|ataque al corazon|ataque cardiaco|paro cardiaco|preinfarto)\\b',
      '\\bdolor\\w* {w}{0,4}?(?:se extiende|se irradia|irradia|baja|sube|se va|corre) {w}{0,3}?(?:brazo|mandibula|cuello|hombro|espalda)\\b',
    ],
    unless: ['\\b(?:prevenir|prevencion|riesgo|murio|fallecio|muerte)\\b'],
    advice:
      'El dolor o la presión en el pecho, sobre todo si se extiende al brazo, la mandíbula, el cuello o la espalda, o viene con sudor, náuseas o falta de aire, puede ser un infarto. Siéntate y quédate tranquilo mientras llega la ayuda. Salvo que seas alérgico a la aspirina o te hayan dicho que no la tomes, masticar una aspirina de adulto (300 mg) puede ayudar.',
  },
  stroke: {
    patterns: [
      // Cara
      '\\b(?:cara|boca|labio|sonrisa|mejilla|parpado|mitad de la cara|lado de la cara) {w}{0,3}?(?:caid[oa]|cayendo|torcid[oa]|desviad[oa]|paralizad[oa]|dormid[oa]|entumecid[oa]|adormecid[oa]|chueca|chueco|colgando)\\b',
      '\\bse (?:me|le) (?:cae|cayo|esta cayendo|tuerce|torcio|durmio|duerme) (?:la cara|la boca|un lado de la cara|media cara|el labio|la mitad de la cara)\\b',
      '\\b(?:paralisis|asimetria) facial\\b',
      // Brazo / pierna
      '\\b(?:debilidad|entumecimiento|adormecimiento|hormigueo|paralisis|perdida de fuerza) {w}{0,3}?(?:repentin[oa]|subit[oa]|de repente|en un lado|de un lado|en el brazo|en la pierna|en la mano|de medio cuerpo|del lado (?:izquierdo|derecho))\\b',
      '\\b(?:de repente|repentinamente|subitamente|de golpe) {w}{0,3}?(?:debil|debilidad|entumecid[oa]|dormid[oa]|paralizad[oa]|sin fuerza)\\b',
      '\\b(?:brazo|pierna|mano|lado) (?:izquierd[oa] |derech[oa] )?{w}{0,2}?(?:paralizad[oa]|dormid[oa]|entumecid[oa]|sin fuerza|muert[oa]|muy debil|debil|pesad[oa]|no responde)\\b',
      '\\b{cant} (?:mover|levantar|subir|sentir|usar) (?:el|la|mi|su|los|las|mis|sus) (?:brazo|pierna|piernas|brazos|mano|lado (?:derecho|izquierdo)|mitad del cuerpo)\\b',
      '\\b(?:mareo|mareos|mareado|mareada|vertigo)\\b.{0,30}\\b(?:veo doble|vision doble|veo borroso|vision borrosa)\\b',
      '\\bhemipl\\w*\\b',
      // Habla
      '\\b(?:dificultad|problemas?|le cuesta|me cuesta) (?:para |al )?(?:hablar|articular|encontrar las palabras)\\b',
      '\\b(?:habla|hablando|hablo|pronuncia) {w}{0,2}?(?:raro|rara|arrastrad[oa]|enredad[oa]|mal|extrano|como borrach[oa]|sin sentido|incoherente)\\b',
      '\\b(?:arrastra|arrastrando) (?:las )?palabras\\b|\\bbalbuce\\w*\\b|\\b(?:se le traba|se me traba) la lengua\\b',
      '\\bno (?:le|me) salen las palabras\\b|\\b(?:las )?palabras (?:no (?:me|le) )?salen (?:mal|raras|al reves)\\b',
      '\\b{cant} hablar (?:bien|claro|con claridad|normal)\\b',
      // Nombrado, ojos, equilibrio, cefalea
      '\\b(?:derrame cerebral|ictus|embolia cerebral|accidente cerebrovascular|acv|trombosis cerebral|ataque cerebral|ataque isquemico transitorio)\\b',
      '\\b(?:perdida|perdi|perdio) (?:repentina |subita |de repente )?(?:de )?(?:la )?(?:vision|vista)\\b',
      '\\b(?:de repente|repentinamente|subitamente|de golpe) {w}{0,3}?(?:vision borrosa|veo borroso|veo doble|vision doble|ciego|ciega|no veo|dejo de ver|deje de ver)\\b',
      '\\b(?:no veo|no ve|no veo nada|ciego|ciega|vision borrosa|veo borroso|veo negro) (?:de|por|con) (?:un|el|mi) ojo\\b',
      '\\b(?:mareo|mareos|mareado|mareada|vertigo|perdida del equilibrio|perdi el equilibrio|inestable)\\b.{0,40}\\b{cant} (?:caminar|andar|mantenerme en pie|estar de pie|pararme)\\b',
      '\\b(?:de repente|repentinamente|subitamente|de golpe) {w}{0,3}?(?:perdi el equilibrio|perdida del equilibrio|mareo|mareado|mareada|vertigo|tambaleo)\\b',
      '\\b{cant} (?:caminar|andar) (?:derecho|recto|en linea recta)\\b',
      '\\b(?:peor|mas fuerte|mas intenso) dolor de cabeza de (?:mi|su|toda mi|toda su) vida\\b',
      '\\b(?:dolor de cabeza|cefalea|jaqueca) {w}{0,2}?(?:repentin[oa]|subit[oa]|explosiv[oa]|brutal|insoportable|como un trueno|en trueno|de golpe)\\b',
      '\\b(?:repentin[oa]|subit[oa]|terrible|brutal|insoportable) (?:dolor de cabeza|cefalea)\\b',
    ],
    unless: [
      '\\b(?:dentista|anestesia|muela)\\b',
      '\\b(?:prevenir|prevencion|riesgo de|sintomas de un|signos de un)\\b',
      '\\b(?:despues (?:del|de la|de un|de una) (?:gimnasio|gym|caida|golpe|accidente|operacion|vacuna)|hombro|esguince|fractura|yeso|dormi encima)\\b',
    ],
    advice:
      'La cara caída, la debilidad de un brazo o una pierna, el habla arrastrada o confusa, o la pérdida repentina de la vista o del equilibrio pueden ser un ictus: cada minuto cuenta. Anota la hora en que empezaron los signos y díselo a quien atienda la llamada. No comas, bebas ni tomes medicinas, tampoco aspirina, hasta que lo diga un médico. Aunque los signos desaparezcan, hay que revisarlo hoy.',
  },
  breathing: {
    patterns: [
      '\\b{cant} (?:respirar|recuperar el aliento|tomar aire|coger aire|jalar aire)\\b',
      '\\b(?:me|le|nos) falta (?:el )?(?:aire|aliento|la respiracion)\\b',
      '\\b(?:falta de aire|sin aire|sin aliento|ahogo|me ahogo|se ahoga|ahogandome|ahogando|asfixi\\w*|dificultad (?:para|al) respirar|dificultad respiratoria|disnea)\\b',
      '\\bno (?:respira|respiro|esta respirando)\\b|\\bdejo de respirar\\b',
      '\\b(?:labios|cara|piel|dedos|lengua) {w}{0,2}?(?:azul\\w*|morad[oa]s?|gris\\w*)\\b',
      '\\b(?:ataque de asma|crisis de asma|crisis asmatica|asma grave)\\b',
      '\\b(?:inhalador|ventolin|salbutamol|bomba) {w}{0,2}?no (?:funciona|sirve|hace efecto|me ayuda)\\b',
    ],
    unless: [
      '\\b(?:por la nariz|nariz tapada|nariz congestionada|mocos)\\b',
      '\\bdespues de (?:correr|hacer ejercicio|subir escaleras|entrenar)\\b',
    ],
    advice:
      'Siéntate erguido y afloja la ropa ajustada. Si tienes un inhalador de rescate, úsalo como te enseñaron. Si alguien se atraganta y no puede toser, hablar ni respirar: hasta cinco golpes firmes entre los omóplatos y luego compresiones abdominales.',
  },
  anaphylaxis: {
    patterns: [
      '\\b(?:anafila\\w*|choque anafilactico|shock anafilactico|edema de glotis|angioedema)\\b',
      '\\b(?:garganta|lengua|glotis) {w}{0,3}?(?:hinchad[oa]|inflamad[oa]|se cierra|cerrando|cerrandose|se me cierra|apretad[oa]|se hincha)\\b',
      '\\bse (?:me|le) (?:cierra|esta cerrando|hincha|esta hinchando|hincho) (?:la )?(?:garganta|lengua)\\b',
      '\\b(?:epipen|adrenalina|autoinyector|jext|altellus)\\b',
      '\\b(?:reaccion alergica|alergia) (?:grave|fuerte|severa|muy fuerte)\\b',
    ],
    advice:
      'Si hay un autoinyector de adrenalina (EpiPen, Jext, Altellus), úsalo ahora en la cara externa del muslo y luego llama. Túmbate con las piernas en alto, o siéntate si cuesta respirar. Si no mejora en 5 minutos, se puede usar un segundo autoinyector.',
  },
  anaphylaxis_swelling: {
    patterns: [
      '\\b(?:labios?|cara|boca|ojos|parpados) {w}{0,3}?(?:hinchad[oa]s?|inflamad[oa]s?|se hinchan|se hincha)\\b',
      '\\bse (?:me|le) (?:hinchan|hincharon|hincha|hincho|estan hinchando) (?:los labios|la cara|la boca|los ojos|los parpados)\\b',
      '\\b(?:ronchas|urticaria|habones) (?:por todo el cuerpo|en todo el cuerpo|por todas partes)\\b',
    ],
    withAny: [
      '\\b(?:alergi\\w*|alergeno)\\b',
      '\\b(?:cacahuete\\w*|mani|nueces|nuez|frutos secos|marisco\\w*|camaron\\w*|gamba\\w*|pescado|huevo\\w*|leche|sesamo|almendra\\w*)\\b',
      '\\b(?:pica\\w*|picadura|abeja|avispa|avispon)\\b',
      '\\b(?:penicilina|antibiotico\\w*|amoxicilina|medicamento nuevo|nuevo medicamento|contraste)\\b',
    ],
    advice:
      'La hinchazón de los labios, la cara o la boca tras un alimento, una picadura o un medicamento puede convertirse rápido en anafilaxia. Si hay un autoinyector de adrenalina y se afectan la respiración, la deglución o la voz, úsalo ahora en la cara externa del muslo.',
  },
  suicide_self_harm: {
    patterns: [
      '\\b(?:matarme|suicidarme|quitarme la vida|hacerme dano|lastimarme|cortarme|ahorcarme|colgarme|tirarme (?:de|por|a))\\b',
      '\\b(?:suicid\\w*)\\b',
      '\\b(?:no quiero|ya no quiero|no quiere) (?:seguir )?(?:vivir|viviendo|existir|estar aqui|despertar)\\b',
      '\\b(?:quiero|quisiera|me quiero|me gustaria|prefiero|preferiria) (?:morir|morirme|estar muert[oa]|desaparecer|no despertar|dejar de existir)\\b',
      '\\b(?:acabar con todo|acabar con mi vida|terminar con mi vida|quitarme de en medio)\\b',
      '\\b(?:no hay|no tengo|ninguna|sin) (?:razon|motivo|sentido) (?:para|de|por el que) vivir\\b|\\bno tiene sentido vivir\\b|\\bvivir no tiene sentido\\b',
      '\\b(?:mejor muert[oa]|estarian mejor sin mi|todos estarian mejor sin mi)\\b',
      '\\b(?:me corto|me lastimo|me hago dano|autolesion\\w*|me quemo a proposito)\\b',
    ],
    unless: [
      '\\b(?:sin querer|por accidente|accidentalmente|cocinando|afeitandome|cortando|con un cuchillo de cocina)\\b',
      '\\b(?:prevencion del suicidio|dia mundial|curso|formacion)\\b',
    ],
    advice:
      'Puedes hablar con alguien ahora mismo, a cualquier hora: contacta con {crisisLine}. Si puedes, cuéntale a alguien de confianza cómo te sientes, quédate con esa persona y aléjate de cualquier cosa con la que puedas hacerte daño. Estos pensamientos pueden mejorar con apoyo, y mereces ese apoyo.',
  },
  overdose_poisoning: {
    patterns: [
      '\\b(?:sobredosis|intoxicacion|intoxicad[oa]|envenen\\w*)\\b',
      '\\b(?:toda la|una caja entera|la caja entera|todo el|todo un|todas las|todos los|un bote entero|el bote entero) (?:caja|frasco|bote|blister|tira|paquete|pastillas|pildoras|comprimidos|capsulas)\\b',
      '\\b(?:tome|tomo|tomado|trague|trago|tragado|ingeri|ingirio|me tome|se tomo)\\b {w}{0,3}?(?:[1-9][0-9]+|demasiad[oa]s|muchas|un punado de|un monton de|todas (?:las|mis)|decenas de) {w}{0,1}?(?:pastillas|pildoras|comprimidos|capsulas|medicinas|medicamentos|paracetamol|ibuprofeno|aspirinas?|somniferos|antidepresivos|tranquilizantes|tramadol|insulina)\\b',
      '\\b(?:bebio|bebi|tomo|trago|trague|comio|comi|ingirio|lamio|se tomo|se trago|se comio)\\b {w}{0,3}?(?:lejia|cloro|desatascador|raticida|veneno|matarratas|pesticida|herbicida|anticongelante|detergente|capsula de detergente|pila de boton|pila|pilas|iman\\w*|gasolina|queroseno|aguarras|setas|hongos|productos de limpieza|quitaesmalte)\\b',
      '\\bmonoxido de carbono\\b',
    ],
    unless: [
      '\\b(?:intoxicacion alimentaria|alimentaria|detector|detectores|centro de toxicologia|toxicologico)\\b',
      '\\b(?:etilica|alcoholica)\\b',
    ],
    advice:
      'No esperes a tener síntomas: algunos medicamentos y venenos, como el paracetamol, hacen daño horas después. No provoques el vómito. Guarda el envase, el frasco o la planta para enseñárselo a los servicios de emergencia. Un centro de toxicología también puede aconsejarte.',
  },
  severe_bleeding: {
    patterns: [
      '\\b(?:sangra|sangrando|sangro|sangran) (?:muchisimo|mucho|demasiado|sin parar|a chorros|abundantemente|un monton|por todas partes)\\b',
      '\\b(?:hemorragia|sangrado (?:abundante|fuerte|grave|masivo|que no para|intenso))\\b',
      '\\bno (?:para|deja|paro|dejo) de sangrar\\b|\\bla sangre no para\\b|\\b(?:el )?sangrado no (?:para|se detiene)\\b',
      '\\b{cant} (?:parar|detener|cortar) (?:el |la )?(?:sangrado|hemorragia|sangre)\\b',
      '\\b(?:tosiendo|toso|tose|tosio|escupo|escupe|escupiendo|vomito|vomita|vomitando|vomite|vomitar|toser) {w}{0,1}?sangre\\b',
      '\\b(?:la sangre (?:sale a chorros|brota|no para)|perdi mucha sangre|perdio mucha sangre|pierde mucha sangre|chorros de sangre)\\b',
    ],
    unless: ['\\b(?:regla|periodo|menstruacion|nariz|encias|encia|corte de papel)\\b'],
    advice:
      'Presiona con firmeza la herida con un paño limpio o la mano, sin soltar para mirar; eleva la parte herida si puedes. No saques nada que esté clavado en la herida. Mantén a la persona abrigada y tumbada.',
  },
  unconscious_seizure: {
    patterns: [
      '\\b(?:inconsciente|sin conocimiento|perdio el conocimiento|perdi el conocimiento|no responde|no reacciona|sin respuesta)\\b',
      '\\b(?:se desplomo|se derrumbo|colapso|se cayo redond[oa])\\b',
      '\\b(?:convulsion\\w*|convulsionando|ataque epileptico|crisis epileptica|le dio un ataque|esta temblando sin control)\\b',
      '\\b{cant} (?:despertarlo|despertarla|despertar a (?:mi|su) \\w+|despertar al bebe)\\b',
      '\\bno (?:se )?despierta\\b',
    ],
    unless: [
      '\\b(?:controlad[oa]s?|medicacion para|tratamiento para|app|aplicacion|pagina|computadora|ordenador|telefono|movil|servidor)\\b',
      '\\b(?:por las mananas|temprano|despertador)\\b',
    ],
    advice:
      'Si la persona no responde y no respira con normalidad, empieza la RCP si puedes; quien atienda la llamada te guiará. Durante una convulsión no la sujetes ni le metas nada en la boca: aparta los objetos duros y cronometra. Cuando pare, ponla de lado.',
  },
  sudden_confusion: {
    patterns: [
      '\\b(?:de repente|repentinamente|subitamente|de golpe) {w}{0,3}?(?:confundid[oa]|desorientad[oa]|perdid[oa]|incoherente)\\b',
      '\\b(?:confundid[oa]|desorientad[oa]) y {w}{0,3}?(?:incoherente|dice cosas sin sentido|no tiene sentido|no reconoce|no sabe)\\b',
      '\\b(?:dice|habla) cosas sin sentido\\b|\\bno dice nada coherente\\b',
      '\\bno (?:me|nos) reconoce\\b|\\bno reconoce a (?:nadie|su familia|su esposo|su esposa)\\b',
      '\\bno sabe (?:donde esta|en que dia estamos|quien es)\\b',
    ],
    advice:
      'La confusión repentina puede deberse a un ictus, una infección grave, una bajada de azúcar o una intoxicación. Quédate con la persona y anota cuándo empezó.',
  },
  meningitis: {
    patterns: [
      '\\b(?:rigidez de (?:nuca|cuello)|cuello {w}{0,2}?rigido|nuca {w}{0,2}?rigida|cuello {w}{0,2}?tieso|{cant} (?:bajar|doblar) (?:la cabeza|el cuello))\\b',
      '\\b(?:fotofobia|me molesta la luz|le molesta la luz|la luz (?:me|le) (?:molesta|duele))\\b',
    ],
    withAny: ['\\b{fever}'],
    advice:
      'La fiebre con el cuello rígido, molestia con la luz o manchas que no desaparecen al presionar un vaso encima puede ser una meningitis, que necesita tratamiento inmediato.',
  },
  non_blanching_rash: {
    patterns: [
      '\\b(?:meningitis|meningococ\\w*|sepsis|septicemia|purpura)\\b',
      '\\b(?:manchas|ronchas|sarpullido|erupcion|puntitos) {w}{0,4}?no (?:desaparecen|desaparece|se borran|se quitan|palidecen) (?:al presionar|con el vaso|al apretar)\\b',
      '\\bprueba del vaso\\b',
    ],
    unless: ['\\b(?:vacuna\\w*|refuerzo)\\b'],
    advice:
      'Unas manchas que no desaparecen al presionar un vaso encima, con fiebre o gran malestar, pueden ser una meningitis o una sepsis, que necesitan tratamiento inmediato.',
  },
  sepsis: {
    patterns: [
      '\\b(?:piel|piernas|brazos|rodillas) {w}{0,2}?(?:moteada\\w*|marmorea\\w*|jaspeada\\w*|azulada\\w*|grisacea\\w*)\\b',
      '\\bno (?:he|ha|hemos) orinado (?:en todo el dia|desde)\\b',
      '\\b(?:escalofrios|tiritando|temblores) {w}{0,1}?(?:incontrolables?|muy fuertes|sin parar)\\b',
      '\\b(?:siento|siente) que (?:me voy|se va) a morir\\b',
    ],
    withAny: [
      '\\b{fever}',
      '\\b(?:infeccion|infectad[oa]|herida|neumonia|cistitis|despues de (?:la|una) operacion|escalofrios)\\b',
    ],
    advice:
      'Una infección o fiebre con confusión, piel moteada o azulada, respiración muy rápida, escalofríos incontrolables o sin orinar en todo el día puede ser una sepsis, que necesita tratamiento inmediato. Di: "Me preocupa que sea una sepsis".',
  },
  pregnancy_bleeding: {
    patterns: ['\\b(?:embarazada|embarazo|encinta)\\b', '\\bectopico\\b'],
    withAny: [
      '\\b(?:sangr\\w*|hemorragia\\w*|manchado abundante)\\b',
      '\\b(?:dolor\\w* (?:muy )?(?:fuerte\\w*|intens[oa]s?|insoportable\\w*)|fuertes dolores|colicos fuertes)\\b',
      '\\b(?:rompi fuente|rompi aguas|se me rompio la fuente|rompio la fuente|rompio aguas|rompi la bolsa|se rompio la bolsa)\\b',
      '\\bectopico\\b',
    ],
    advice:
      'El sangrado, un dolor fuerte de barriga o romper aguas durante el embarazo hay que revisarlo de inmediato. Llama a tu maternidad por el camino si tienes su número.',
  },
  infant_fever: {
    patterns: [
      '\\b(?:recien nacid[oa]|(?:bebe|nino|nina|hijo|hija|nene|nena) (?:de )?(?:\\d|1[0-2]|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce) (?:dia|dias|semana|semanas)|(?:bebe|nino|nina|hijo|hija|nene|nena) (?:de )?(?:[0-2]|un|dos) (?:mes|meses))\\b',
    ],
    withAny: ['\\b{fever}', '\\b(?:caliente)\\b'],
    advice:
      'Un bebé de menos de 3 meses con una temperatura de 38 °C o más debe verlo un médico enseguida, aunque parezca estar bien.',
  },
  child_danger: {
    patterns: ['\\b{child}\\b'],
    withAny: [
      '\\b(?:floj[oa]|flacid[oa]|decaid[oa] y no responde|sin fuerzas|aletargad[oa]|moteada|quejido\\w*|se queja al respirar)\\b',
      '\\b(?:cuesta|dificil|imposible) (?:mucho )?despertar(?:lo|la)?\\b',
      '\\bfontanela (?:abombada|hundida)\\b',
      '\\bllanto (?:agudo|muy agudo|chillon)\\b',
      '\\bno (?:responde|reacciona)\\b',
      '\\b(?:labios|piel|lengua) (?:azul\\w*|morad[oa]s?|gris\\w*)\\b',
    ],
    advice:
      'Un bebé o un niño flojo, muy difícil de despertar, azulado, grisáceo o con la piel moteada, que se queja al respirar o tiene un llanto agudo necesita atención de urgencia ahora.',
  },
  allergic_reaction: {
    patterns: [
      '\\breaccion alergica\\b',
      '\\b(?:urticaria|ronchas|habones)\\b',
      '\\b(?:labios?|cara|ojos|parpados|boca) {w}{0,3}?(?:hinchad[oa]s?|inflamad[oa]s?|se hinchan|se hincha)\\b',
    ],
    advice:
      'Una reacción alérgica que se extiende, o cualquier hinchazón de la cara o la boca, necesita un médico hoy. Llama al {emergencyNumber} enseguida si se afectan la respiración, la deglución o la voz, o si te sientes a punto de desmayarte.',
  },
  fainting: {
    patterns: [
      '\\b(?:me desmaye|se desmayo|desmayo|desmayos|desmayarme|desmayarse|perdi el sentido|sincope|me voy a desmayar)\\b',
    ],
    advice:
      'Un desmayo debe revisarse hoy, y de inmediato si ocurrió durante el ejercicio, con dolor en el pecho o palpitaciones, o tras un golpe en la cabeza.',
  },
  head_injury_severe: {
    patterns: [
      '\\b(?:golpe\\w*|pegue|pego|choque|choco|lastime|lastimo) {w}{0,2}?(?:en )?(?:la cabeza|el craneo)\\b',
      '\\b(?:traumatismo craneal|traumatismo craneoencefalico|conmocion cerebral|contusion en la cabeza|cayo de cabeza)\\b',
    ],
    withAny: [
      '\\b(?:vomit\\w*|vomito\\w*)\\b',
      '\\b(?:confundid[oa]|desorientad[oa]|somnolient[oa]|adormilad[oa])\\b',
      '\\b(?:perdio el conocimiento|inconsciente|se desmayo)\\b',
      '\\b(?:convulsion\\w*)\\b',
      '\\b(?:anticoagulante\\w*|sintrom|xarelto|eliquis|warfarina|apixaban|rivaroxaban)\\b',
    ],
    advice:
      'Tras un golpe en la cabeza, los vómitos, la confusión, la somnolencia, una convulsión, haber perdido el conocimiento, la salida de líquido por oídos o nariz o tomar anticoagulantes requieren valoración urgente. No dejes sola a la persona.',
  },
  head_injury: {
    patterns: [
      '\\b(?:golpe\\w*|pegue|pego|choque|choco|lastime|lastimo) {w}{0,2}?(?:en )?(?:la cabeza|el craneo)\\b',
      '\\b(?:traumatismo craneal|traumatismo craneoencefalico|conmocion cerebral|contusion en la cabeza|cayo de cabeza)\\b',
    ],
    advice:
      'Tras un golpe en la cabeza, hazte revisar hoy, sobre todo si tienes más de 65 años o tomas anticoagulantes. Llama al {emergencyNumber} si aparecen vómitos, confusión, somnolencia, una convulsión o un dolor de cabeza que empeora.',
  },
  high_fever: {
    patterns: ['\\b(?:fiebre|temperatura)\\b {w}{0,3}?(?:40|41|42)\\b', '\\b(?:40|41|42) (?:grados|c|de fiebre)\\b'],
    advice:
      'Una temperatura de 40 °C o más, o una fiebre de más de 3 días, necesita un médico hoy. Bebe mucho líquido; llama al {emergencyNumber} si hay confusión, rigidez de cuello, manchas que no desaparecen o dificultad para respirar.',
  },
};

export const spanish: LanguagePack = {
  code: 'es',
  cues: {
    normalize: normalizeSpanish,
    clauseBreak: /\s*(?:,|\b(?:pero|sin embargo|aunque|excepto|salvo|mientras que|en cambio|y luego|y ahora)\b)\s*/,
    preNegation:
      /\b(?:no|sin|ningun|ninguna|ninguno|nunca|jamas|ni|tampoco|niega|nego|negativo|negativa|descartad\w*|ausencia de|nada de|ya no)\b/,
    negationWindow: 6,
    pseudoNegation:
      /\b(?:no se si|no se por que|no se que|no estoy segur[oa]|no me siento bien|no estoy bien|no para|no paro|no se quita|no se va|no se me quita|no se me pasa|no mejora|no solo|nadie|nada (?:me )?(?:ayuda|funciona|sirve|calma|alivia)|sin (?:razon|motivo|parar|cesar|aviso)|no me deja|no es normal|no aguanto|no puedo mas)\b/g,
    scopeBreak:
      /\b(?:y|e|porque|pues|ya que|cuando|mientras|desde|despues|antes|yo|ella|ellos|ellas|mi|mis|su|sus|pero|aunque|asi que)\b/g,
    postNegation: /^\s*(?:(?:es|fue|esta|estan) )?(?:negativ[oa]s?|descartad[oa]s?|ausentes?|no tengo|no hay)\b/,
    history:
      /\b(?:el ano pasado|el mes pasado|la semana pasada|el verano pasado|el invierno pasado|hace (?:\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|unos|unas|varios|varias|muchos|muchas) (?:anos|ano|meses|mes|semanas|semana|decadas)|hace (?:anos|mucho tiempo|mucho)|en (?:19|20)\d\d|de (?:nino|nina|pequeno|pequena|joven|adolescente)|cuando era (?:nino|nina|pequeno|pequena|joven|adolescente|bebe)|cuando estaba embarazada|en el pasado|antecedentes de|historial de|en mi familia|(?:mi|su) (?:abuela|abuelo|bisabuela|bisabuelo|difunt[oa] \w+) (?:tuvo|tenia|murio|fallecio|sufrio))\b/,
    present:
      /\b(?:ahora|en este momento|actualmente|hoy|esta noche|esta manana|esta tarde|esta semana|todavia|aun|otra vez|de nuevo|desde|de repente|repentin\w*|subitamente|volvio|ha vuelto|vuelve|empezo|empece|comenzo)\b/,
    resolvedNow:
      /\b(?:(?:ya )?(?:estoy|esta|me siento|se siente) (?:bien|mejor) ahora|ahora (?:estoy|esta|me siento) (?:bien|mejor)|ya estoy bien|ya esta bien)\b/g,
    resolvedAfter:
      /^[a-z ]{0,24}?\b(?:se fue|se me paso|se le paso|se paso|ya paso|desaparecio|se quito|se calmo|paro|se detuvo|ceso|mejoro)\b/,
    resolvedClause:
      /^(?:y |pero )?(?:luego |despues |ya |eso |el dolor |se |me |le |completamente |ahora |por suerte )*(?:fue|paso|desaparecio|quito|calmo|paro|detuvo|ceso|mejoro|estoy bien|esta bien)\b/,
  },
  texts: {
    levelHeaders: {
      emergency:
        '**Esto podría ser una emergencia médica. Llama ahora al {emergencyNumber}** o ve al servicio de urgencias más cercano. No esperes a ver si mejora y no conduzcas tú.',
      urgent:
        '**Busca atención médica hoy.** Contacta ahora con un médico, un centro de urgencias o tu servicio de atención fuera de horario. Si empeora, llama al {emergencyNumber}.',
    },
    crisisHeader,
    footer:
      '_Soy un asistente de IA y no puedo examinarte. Este aviso aparece automáticamente cuando un mensaje menciona estas señales de alarma._',
    defaultCrisisLine:
      'una línea de crisis (por ejemplo el 024 en España, la Línea de la Vida 800 911 2000 en México, el 988 en EE. UU., o tu línea local de prevención del suicidio)',
  },
  macros: spanishMacros,
  rules: localizeRules(triageRules, local, englishCrisisHeader, crisisHeader),
  cueWords: (
    'yo me mi mis tu te ti el ella ellos ellas nos le lo la los las un una unos unas de del al y o pero con sin por para en ' +
    'que es esta estoy estaba tengo tiene tenia muy mucho ya no si porque como cuando donde hoy ayer ahora desde hace ' +
    'dolor duele pecho cabeza respirar aire brazo pierna cara hablar sangre sangra fiebre bebe embarazada pastillas ' +
    'puedo puede quiero siento siente repente ser podria puede era fue hay algo eso esto este esta muy ' +
    'he ha han hemos tenido tuve tuvo tenia nunca nino nina ninos hija hijo padre madre esposo esposa abuela abuelo ' +
    'mucho mucha poco anos dias semanas meses convulsiones desmaye mareado mareada'
  ).split(' '),
};
