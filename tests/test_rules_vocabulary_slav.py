"""Topic vocabulary of config/rules/lang/{ru,uk,bg,pl,cs,sk,lt,ro}.toml: the everyday words of
reports on China's support for Russia's war (thermal sights, quadcopters, lathes, navigation
modules; arms, munitions and tank plants; Russia's army, units and hardware), the local names of
Chinese provinces and cities (CN_PLACES, part of CHINA) and of Ukraine's places (UA_PLACES, part of
WAR). Each report below is flagged only through those words; the look-alikes (civilian trade
naming a Chinese city, a Russian weapons plant with no China, Russia with no military context, the
Shanghai Cooperation Organisation, a Chinese arms or missile plant making arms for China's own
army) stay quiet.
Its tables are checked by tests/test_rules_vocabulary.py, with the language given and detected."""

from __future__ import annotations

# (language, text): each flags only through a word of MILITARY_GOODS, RUSSIA_MILITARY or CN_PLACES
FLAGGED = [
    ("ru", "Компания из Шэньчжэня отправила тепловизионные прицелы на российский танковый завод."),
    ("ru", "Фирма из Гуанчжоу поставляла квадрокоптеры и полётные контроллеры российской армии."),
    ("ru", "Пекин помогает предприятиям ОПК России."),
    ("ru", "Поставщик из Харбина продал российским военным навигационные модули."),
    ("uk", "Компанія з Шеньчженя відправила тепловізійні приціли на російський танковий завод."),
    ("uk", "Фірма з Гуанчжоу постачала квадрокоптери та польотні контролери російській армії."),
    ("uk", "Пекін допомагає підприємствам ОПК Росії."),
    ("uk", "Постачальник із Харбіна продав російським військовим навігаційні модулі."),
    ("bg", "Фирма от Шънджън е изпратила термовизионни мерници за руски танков завод."),
    ("bg", "Компания от Гуанджоу доставя квадрокоптери и полетни контролери на руската армия."),
    ("bg", "Пекин помага на руските оръжейни заводи."),
    ("bg", "Доставчик от Харбин продаде навигационни модули на руските военни."),
    ("pl", "Firma z Szanghaju wysłała celowniki termowizyjne do rosyjskiej fabryki czołgów."),
    ("pl", "Dostawca z Harbinu sprzedawał rosyjskiej armii kwadrokoptery i kontrolery lotu."),
    ("pl", "Pekin wspiera rosyjskie zakłady zbrojeniowe."),
    ("pl", "Chińska firma sprzedała Rosji tokarki i frezarki."),
    ("cs", "Firma z Šen-čenu poslala termovizní zaměřovače do ruské továrny na tanky."),
    ("cs", "Dodavatel z Charbinu prodával ruské armádě kvadrokoptéry a letové kontroléry."),
    ("cs", "Peking podporuje ruské muniční závody."),
    ("cs", "Čínská firma dodala Rusku soustruhy a frézky."),
    ("sk", "Firma zo Šen-čenu poslala do ruskej továrne na tanky termovízne zameriavače a puškohľady."),
    ("sk", "Dodávateľ z Charbinu predával ruskej armáde kvadrokoptéry a nočné videnie."),
    ("sk", "Peking podporuje ruské muničné závody."),
    ("sk", "Čínska firma dodala Rusku sústruhy a frézky."),
    ("lt", "Šendženo bendrovė išsiuntė šiluminius taikiklius į Rusijos tankų gamyklą."),
    ("lt", "Tiekėjas iš Harbino pardavė Rusijos armijai kvadrokopterius ir skrydžio valdiklius."),
    ("lt", "Pekinas remia Rusijos tankų gamyklas."),
    ("lt", "Kinijos įmonė pardavė Rusijai naktinio matymo prietaisų ir kvadrokopterių."),
    ("ro", "O firmă din Mongolia Interioară a livrat lunete termice către o fabrică de tancuri din Rusia."),
    ("ro", "Un furnizor chinez a vândut Rusiei strunguri și mașini de frezat."),
    ("ro", "Beijingul sprijină fabricile de tancuri ale Rusiei."),
    (
        "ro",
        "O companie din Shenzhen vinde Rusiei controlere de zbor și dispozitive de vedere pe timp de noapte.",
    ),
]

# Detected, this reads as Lithuanian or Slovenian, a language with no rule file, whose negation
# words include "pas" (here "with"): the rule then misses it, so it is checked with the language
# given only
LT_NEAR_KHARKIV = "Kiniški šiluminiai taikikliai rasti pas rusus prie Charkivo."
DECLARED_ONLY = frozenset({LT_NEAR_KHARKIV})

# Russia's units and hardware (RUSSIA_MILITARY) and Ukraine's places (UA_PLACES, part of WAR): in
# each language, a report flagged by chinese-goods-with-russian-forces only through a place (Russia
# named, no military word) and one only through a unit or a piece of hardware named as Russia's
FORCES = [
    ("ru", "Китайские тепловизоры обнаружены у россиян под Бахмутом."),
    ("ru", "Китайские чипы по-прежнему находят в российских крылатых ракетах."),
    ("uk", "Китайські тепловізори виявили в росіян під Покровськом."),
    ("uk", "Китайські мікросхеми й далі знаходять у російських крилатих ракетах."),
    ("bg", "Китайски термовизионни мерници, пратени в Русия, са открити край Харков."),
    ("bg", "Китайски чипове продължават да се откриват в руските ракети."),
    ("pl", "Chińskie celowniki termowizyjne wysłane do Rosji znaleziono pod Charkowem."),
    ("pl", "Chińskie chipy wciąż trafiają do rosyjskich rakiet."),
    ("cs", "Čínské termovizní zaměřovače našli Rusové u Záporoží."),
    ("cs", "Čínské čipy se stále objevují v ruských raketách."),
    ("sk", "Čínske termovízne zameriavače mali Rusi pri Charkove."),
    ("sk", "Čínske čipy sa stále objavujú v ruských raketách."),
    ("lt", LT_NEAR_KHARKIV),
    ("lt", "Kiniški lustai vis dar randami Rusijos raketose."),
    ("ro", "Lunete termice chinezești au fost găsite la ruși lângă Harkov."),
    ("ro", "Cipuri chinezești continuă să apară în rachetele rusești."),
]

# (language, text): civilian trade naming a Chinese city, a Russian weapons plant with no China,
# the Shanghai Cooperation Organisation
QUIET = [
    ("ru", "Компания из Шэньчжэня поставляет в Россию смартфоны и бытовую технику."),
    ("ru", "Украинские дроны атаковали пороховой завод и танковый завод в России."),
    ("ru", "Саммит Шанхайской организации сотрудничества обсудил поставки оружия российской армии."),
    ("uk", "Компанія з Шеньчженя постачає до Росії смартфони та побутову техніку."),
    ("uk", "Українські дрони атакували пороховий завод і танковий завод у Росії."),
    ("bg", "Фирма от Шънджън изнася за Русия смартфони и домакински уреди."),
    ("bg", "Украински дронове удариха оръжеен завод и танков завод в Русия."),
    (
        "bg",
        "Срещата на Шанхайската организация за сътрудничество обсъди доставките на оръжие за руската армия.",
    ),
    ("pl", "Firma z Szanghaju eksportuje do Rosji smartfony i sprzęt AGD."),
    ("pl", "Ukraińskie drony zaatakowały fabrykę amunicji i zakłady zbrojeniowe w Rosji."),
    ("pl", "Szczyt Szanghajskiej Organizacji Współpracy omówił dostawy broni dla rosyjskiej armii."),
    ("cs", "Firma z Šanghaje vyváží do Ruska chytré telefony a domácí spotřebiče."),
    ("cs", "Ukrajinské drony zasáhly muniční závod a továrnu na tanky v Rusku."),
    ("cs", "Summit Šanghajské organizace pro spolupráci projednal dodávky zbraní ruské armádě."),
    ("sk", "Firma zo Šanghaja vyváža do Ruska mobilné telefóny a domáce spotrebiče."),
    ("sk", "Ukrajinské drony zasiahli muničný závod a továreň na tanky v Rusku."),
    ("sk", "Summit Šanghajskej organizácie pre spoluprácu prerokoval dodávky zbraní ruskej armáde."),
    ("lt", "Šendženo bendrovė eksportuoja į Rusiją išmaniuosius telefonus ir buitinę techniką."),
    ("lt", "Ukrainos dronai smogė šaudmenų gamyklai ir tankų gamyklai Rusijoje."),
    ("ro", "O firmă din Mongolia Interioară exportă în Rusia telefoane mobile și electrocasnice."),
    ("ro", "Drone ucrainene au lovit o fabrică de muniție și o fabrică de tancuri din Rusia."),
]

# (language, text): quiet, and no word of RUSSIA_MILITARY in it. A Chinese arms plant making shells
# for China's own army is not Russia's military: the plant words of RUSSIA_MILITARY are written as
# Russia's. Russia with no military context, a Chinese missile plant making missiles for China's
# army, and a Russian launch rocket, which is no Russian military hardware.
NOT_RUSSIAS_MILITARY = [
    ("ru", "Китайский оружейный завод производит снаряды для Народно-освободительной армии Китая."),
    ("uk", "Китайський збройовий завод виробляє снаряди для Народно-визвольної армії Китаю."),
    ("bg", "Китайски оръжеен завод произвежда снаряди за Народноосвободителната армия на Китай."),
    ("pl", "Chińska fabryka amunicji produkuje pociski dla Chińskiej Armii Ludowo-Wyzwoleńczej."),
    ("cs", "Čínská muniční továrna vyrábí granáty pro Čínskou lidovou osvobozeneckou armádu."),
    ("sk", "Čínska muničná továreň vyrába granáty pre Čínsku ľudovú oslobodeneckú armádu."),
    ("lt", "Kinijos šaudmenų gamykla gamina sviedinius Kinijos liaudies išlaisvinimo armijai."),
    ("ro", "O fabrică de muniție chineză produce obuze pentru Armata Populară de Eliberare."),
    ("ru", "Китайские двигатели стоят на большинстве новых автобусов в Москве."),
    ("ru", "Китайский ракетный завод производит ракеты для НОАК."),
    ("uk", "Китайські двигуни стоять на більшості нових автобусів у Москві."),
    ("uk", "Китайський ракетний завод виробляє ракети для НВАК."),
    ("bg", "Китайски двигатели задвижват повечето нови автобуси в Москва."),
    ("bg", "Китайска ракетна фабрика произвежда ракети за Народноосвободителната армия."),
    ("pl", "Chińskie silniki napędzają większość nowych autobusów w Moskwie."),
    ("pl", "Chińska fabryka rakiet produkuje rakiety dla Chińskiej Armii Ludowo-Wyzwoleńczej."),
    ("cs", "Čínské motory pohánějí většinu nových autobusů v Moskvě."),
    ("cs", "Čínská továrna na rakety vyrábí rakety pro Čínskou lidovou osvobozeneckou armádu."),
    ("sk", "Čínske motory poháňajú väčšinu nových autobusov v Moskve."),
    ("sk", "Čínska továreň na rakety vyrába rakety pre Čínsku ľudovú oslobodeneckú armádu."),
    ("lt", "Kiniški varikliai varo daugumą naujų autobusų Maskvoje."),
    ("lt", "Kinijos raketų gamykla gamina raketas Kinijos liaudies išlaisvinimo armijai."),
    ("ro", "Motoarele chinezești propulsează majoritatea autobuzelor noi din Moscova."),
    ("ro", "O fabrică chineză de rachete produce rachete pentru Armata Populară de Eliberare."),
    ("ru", "Китайский спутник выведут на орбиту российской ракетой в следующем году."),
    ("uk", "Китайський супутник виведуть на орбіту російською ракетою наступного року."),
]

# (language, group, text, the form found): the new words, places and units in their case forms
FORMS = [
    # Russians as people: the plural's stem is not the singular's
    ("pl", "RUSSIA", "Chińskie drony trafiły do Rosjan.", "rosjan"),
    ("pl", "RUSSIA", "Rosjanie kupili chińskie drony.", "rosjanie"),
    ("bg", "RUSSIA", "Руснаците купиха китайски дронове.", "руснаците"),
    ("bg", "RUSSIA", "Руснаци купиха дронове.", "руснаци"),
    ("ru", "CN_PLACES", "Склад в Синьцзяне", "синьцзяне"),
    ("ru", "CN_PLACES", "Заводы Тяньцзиня", "тяньцзиня"),
    ("ru", "RUSSIA_MILITARY", "Для российских оружейных заводов", "российских оружейных заводов"),
    ("ru", "RUSSIA_MILITARY", "Поставки оборонной промышленности России", "оборонной промышленности россии"),
    ("uk", "CN_PLACES", "Склад у Харбіні", "харбіні"),
    ("uk", "MILITARY_GOODS", "Партія квадрокоптерів", "квадрокоптерів"),
    ("uk", "RUSSIA_MILITARY", "На російському танковому заводі", "російському танковому заводі"),
    ("bg", "RUSSIA_MILITARY", "За руските оръжейни заводи", "руските оръжейни заводи"),
    ("pl", "CN_PLACES", "Magazyn w Shenzhenie", "shenzhenie"),
    ("pl", "RUSSIA_MILITARY", "Dla rosyjskich fabryk amunicji", "rosyjskich fabryk amunicji"),
    ("cs", "CN_PLACES", "Sklad v Kuang-čou", "kuang-čou"),
    ("cs", "RUSSIA_MILITARY", "Dodávky ruskému zbrojnímu průmyslu", "ruskému zbrojnímu průmyslu"),
    ("sk", "CN_PLACES", "Sklad v Šanghaji", "šanghaji"),
    ("sk", "RUSSIA_MILITARY", "Dodávky ruským muničným závodom", "ruským muničným závodom"),
    ("lt", "CN_PLACES", "Sandėlis Sindziange", "sindziange"),
    ("lt", "RUSSIA_MILITARY", "Tiekimas Rusijos gynybos pramonei", "rusijos gynybos pramonei"),
    ("ro", "RUSSIA_MILITARY", "Pentru fabricile de muniție ale Rusiei", "fabricile de muniție ale rusiei"),
    ("ru", "UA_PLACES", "Бои под Запорожьем", "запорожьем"),
    ("ru", "UA_PLACES", "Склады в Крыму", "крыму"),
    ("ru", "RUSSIA_MILITARY", "В российских окопах", "российских окопах"),
    ("uk", "UA_PLACES", "Удар по Харкову", "харкову"),
    ("uk", "UA_PLACES", "Бої біля Слов’янська", "слов’янська"),
    ("uk", "RUSSIA_MILITARY", "Перед російськими танками", "російськими танками"),
    ("bg", "UA_PLACES", "Запорожката атомна централа", "запорожката"),
    ("bg", "RUSSIA_MILITARY", "В руските окопи", "руските окопи"),
    ("pl", "UA_PLACES", "Walki w Bachmucie", "bachmucie"),
    ("pl", "UA_PLACES", "Bazy na Krymie", "krymie"),
    ("pl", "RUSSIA_MILITARY", "Przed rosyjskimi czołgami", "rosyjskimi czołgami"),
    ("cs", "UA_PLACES", "Boje v Charkově", "charkově"),
    ("sk", "UA_PLACES", "Boje pri Donecku", "donecku"),
    ("lt", "UA_PLACES", "Mūšiai Zaporižios srityje", "zaporižios"),
    ("ro", "UA_PLACES", "Baze din Crimeea", "crimeea"),
]

# (language, group, text): everyday words and common names that look like a place's name are not
# read as one
NOT_FOUND = [
    # a Russian position is also Russia's stance: positions are not read, trenches are
    ("ro", "RUSSIA_MILITARY", "În pozițiile rusești"),
    ("lt", "RUSSIA_MILITARY", "Rusų pozicijose"),
    ("sk", "RUSSIA_MILITARY", "Na ruských pozíciách"),
    ("cs", "RUSSIA_MILITARY", "Na ruských pozicích"),
    ("ru", "UA_PLACES", "Изюм, сумы и Николаев"),
    ("uk", "UA_PLACES", "Ізюм і суми"),
    ("bg", "UA_PLACES", "Славянски език и покров"),
    ("pl", "UA_PLACES", "Mikołaja, kry i słowiański"),
    ("ro", "UA_PLACES", "Crimele și o odă"),
    ("sk", "UA_PLACES", "Kriminálka odoslala"),
]
