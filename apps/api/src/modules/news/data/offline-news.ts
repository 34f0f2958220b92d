/**
 * Vetted public-health items shipped with Medichat: the news card shows these when no feed has been fetched (offline, or NEWS_FEEDS empty). Each links to the publisher's own page; summaries are written for Medichat from those pages. Reviewed 2026-12-02.
 */
export const offlineNews = [
  {
    "id": "offline-who-hypertension",
    "title": "Hypertension: know your numbers",
    "link": "https://www.who.int/news-room/fact-sheets/detail/hypertension",
    "summary": "<p>High blood pressure often has no symptoms. Regular measurement, less salt, physical activity and, where prescribed, medicines lower the risk of heart attack and stroke.</p>",
    "source": "World Health Organization (fact sheet)",
    "lang": "en",
    "publishedAt": "2026-11-30T00:00:00.000Z"
  },
  {
    "id": "offline-who-diabetes",
    "title": "Diabetes: prevention and care",
    "link": "https://www.who.int/news-room/fact-sheets/detail/diabetes",
    "summary": "<p>A healthy diet, regular physical activity, a normal body weight and avoiding tobacco prevent or delay type 2 diabetes. Blood glucose checks help people living with diabetes stay in range.</p>",
    "source": "World Health Organization (fact sheet)",
    "lang": "en",
    "publishedAt": "2026-11-29T00:00:00.000Z"
  },
  {
    "id": "offline-who-physical-activity",
    "title": "Physical activity: 150 minutes a week",
    "link": "https://www.who.int/news-room/fact-sheets/detail/physical-activity",
    "summary": "<p>Adults should do at least 150–300 minutes of moderate aerobic activity a week. Any activity is better than none, and more is better.</p>",
    "source": "World Health Organization (fact sheet)",
    "lang": "en",
    "publishedAt": "2026-11-28T00:00:00.000Z"
  },
  {
    "id": "offline-who-influenza",
    "title": "Seasonal influenza: vaccination protects",
    "link": "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)",
    "summary": "<p>Annual vaccination is the most effective way to prevent influenza, especially for older people, pregnant women, young children and people with chronic conditions.</p>",
    "source": "World Health Organization (fact sheet)",
    "lang": "en",
    "publishedAt": "2026-11-27T00:00:00.000Z"
  },
  {
    "id": "offline-who-healthy-diet",
    "title": "A healthy diet",
    "link": "https://www.who.int/news-room/fact-sheets/detail/healthy-diet",
    "summary": "<p>Eat plenty of fruit, vegetables, legumes and whole grains; keep free sugars, salt and saturated fats low.</p>",
    "source": "World Health Organization (fact sheet)",
    "lang": "en",
    "publishedAt": "2026-11-26T00:00:00.000Z"
  },
  {
    "id": "offline-gesund-bund",
    "title": "Verlässliche Gesundheitsinformationen",
    "link": "https://gesund.bund.de/",
    "summary": "<p>Das Portal des Bundesministeriums für Gesundheit erklärt Krankheiten, Vorsorge und Versorgung in verständlicher Sprache.</p>",
    "source": "Bundesministerium für Gesundheit (gesund.bund.de)",
    "lang": "de",
    "publishedAt": "2026-11-30T00:00:00.000Z"
  },
  {
    "id": "offline-spf",
    "title": "Santé publique France",
    "link": "https://www.santepubliquefrance.fr/",
    "summary": "<p>L'agence nationale de santé publique publie la surveillance des épidémies et des conseils de prévention.</p>",
    "source": "Santé publique France",
    "lang": "fr",
    "publishedAt": "2026-11-30T00:00:00.000Z"
  }
] as const;
