"""The topic's everyday vocabulary in French, Spanish, Italian, Portuguese, Greek, Indonesian,
Hindi and Turkish (config/rules/lang/{fr,es,it,pt,el,id,hi,tr}.toml): optics, machine tools,
quadcopters and navigation modules among the goods, Russia's arms, munitions, tank and missile
factories, units and hardware among its military (named as Russian), and the local spellings of
Chinese and Ukrainian places. Each report below is flagged only thanks to those words; each
look-alike (civilian trade naming a Chinese place, a Russian arms plant without China, a Chinese
arms plant making shells for China's own army) stays quiet. Every text is written for these
tests.
Its tables are checked by tests/test_rules_vocabulary.py, with the language given and detected."""

from __future__ import annotations

# (language, text): a report of the topic that needs the new words to be flagged
FLAGGED = [
    (
        "fr",
        "Une entreprise de Shanghaï a livré des viseurs thermiques et des lunettes de vision nocturne à l'armée russe.",
    ),
    (
        "fr",
        "Des fabricants chinois ont livré des fraiseuses et des tours à commande numérique à une usine de chars russe.",
    ),
    ("fr", "Pékin soutient les entreprises de défense russes et les usines militaires russes."),
    ("fr", "Une société de Nankin a expédié des quadricoptères et des modules de navigation vers la Russie."),
    ("es", "Una empresa de Shanghái vendió miras térmicas y visores de visión nocturna al ejército ruso."),
    ("es", "Fabricantes chinos suministraron fresadoras y tornos a una fábrica de tanques rusa."),
    ("es", "Pekín apoya a las empresas de defensa rusas y a las fábricas militares rusas."),
    ("es", "Una firma de Nankín envió cuadricópteros y módulos de navegación a Rusia."),
    ("it", "Un'azienda di Nanchino ha venduto mirini termici e visori notturni all'esercito russo."),
    (
        "it",
        "Produttori cinesi hanno fornito fresatrici e torni a controllo numerico a una fabbrica di carri armati russa.",
    ),
    ("it", "Pechino sostiene le aziende della difesa russe e gli stabilimenti militari russi."),
    ("it", "Una società di Shenzhen ha spedito quadricotteri e moduli di navigazione in Russia."),
    ("pt", "Uma empresa de Xangai vendeu miras térmicas e óculos de visão noturna ao exército russo."),
    ("pt", "Fabricantes chineses forneceram fresadoras e tornos mecânicos a uma fábrica de tanques russa."),
    ("pt", "Pequim ajuda as empresas de defesa russas e as fábricas militares russas."),
    ("pt", "Uma firma de Cantão enviou quadricópteros e módulos de navegação para a Rússia."),
    (
        "el",
        "Εταιρεία από τη Σαγκάη πούλησε θερμικά σκοπευτικά και συσκευές νυχτερινής όρασης στον ρωσικό στρατό.",
    ),
    ("el", "Κινέζοι κατασκευαστές προμήθευσαν τόρνους ακριβείας σε ρωσικό εργοστάσιο αρμάτων."),
    ("el", "Το Πεκίνο στηρίζει τις ρωσικές αμυντικές εταιρείες και τα ρωσικά στρατιωτικά εργοστάσια."),
    ("el", "Εταιρεία από τη Σεντζέν έστειλε τετρακόπτερα και μονάδες πλοήγησης στη Ρωσία."),
    (
        "id",
        "Sebuah perusahaan di Mongolia Dalam menjual teropong termal dan kacamata penglihatan malam kepada tentara Rusia.",
    ),
    ("id", "Produsen China menjual kamera termal dan teropong senapan kepada pabrik tank Rusia."),
    ("id", "Beijing mendukung pabrik-pabrik militer Rusia."),
    ("id", "Perusahaan di Shenzhen mengirim kuadkopter dan modul navigasi ke Rusia."),
    ("hi", "शंघाई की एक कंपनी ने रूसी सेना को थर्मल साइट और नाइट विजन उपकरण बेचे।"),
    ("hi", "चीनी निर्माताओं ने रूस के टैंक कारखाने को लेथ मशीनें और मिलिंग मशीनें भेजीं।"),
    ("hi", "चीन की सरकार रूसी टैंक कारखानों और रूसी मिसाइल कारखानों की मदद कर रही है।"),
    ("hi", "ग्वांगझू की फर्म ने रूस को क्वाडकॉप्टर और नेविगेशन मॉड्यूल भेजे।"),
    ("tr", "Şanghay merkezli bir şirket Rus ordusuna termal nişangah ve gece görüş dürbünü sattı."),
    ("tr", "Çinli üreticiler bir Rus tank fabrikasına torna tezgahı ve freze tezgahı sağladı."),
    ("tr", "Pekin yönetimi Rusya'nın askeri fabrikalarına destek veriyor."),
    ("tr", "Vuhan merkezli bir firma Rusya'ya kuadkopter ve navigasyon modülleri gönderdi."),
]

# (language, text): Chinese goods found with Russia's units or hardware, named as Russian, or with
# Russia and a Ukrainian place in the language's spelling; each is flagged by the rule
# chinese-goods-with-russian-forces only thanks to those words
FORCES = [
    ("fr", "Des puces chinoises continuent d'apparaître dans les missiles russes."),
    ("fr", "Des viseurs thermiques chinois ont été retrouvés dans des tranchées russes abandonnées."),
    ("fr", "Des drones chinois modifiés ont servi à la Russie lors des frappes sur Zaporijjia."),
    ("es", "Siguen apareciendo chips chinos en los misiles rusos."),
    ("es", "Se hallaron miras térmicas chinas en trincheras rusas abandonadas."),
    ("es", "Rusia usó drones chinos modificados en los ataques contra Járkov."),
    ("it", "Chip cinesi continuano a comparire nei missili russi."),
    ("it", "Mirini termici cinesi sono stati trovati nelle trincee russe abbandonate."),
    ("it", "La Russia ha usato droni cinesi modificati negli attacchi su Leopoli."),
    ("pt", "Chips chineses continuam a aparecer nos mísseis russos."),
    ("pt", "Miras térmicas chinesas foram encontradas em trincheiras russas abandonadas."),
    ("pt", "A Rússia usou drones chineses modificados nos ataques contra Carcóvia."),
    ("el", "Κινεζικά τσιπ εξακολουθούν να εντοπίζονται σε ρωσικούς πυραύλους."),
    ("el", "Κινεζικές θερμικές κάμερες βρέθηκαν σε εγκαταλελειμμένα ρωσικά χαρακώματα."),
    ("el", "Η Ρωσία χρησιμοποίησε τροποποιημένα κινεζικά drones στις επιθέσεις κατά της Οδησσού."),
    ("id", "Chip China terus ditemukan di dalam rudal Rusia."),
    ("id", "Kamera termal China ditemukan di parit Rusia yang ditinggalkan."),
    ("id", "Rusia memakai drone China yang dimodifikasi dalam serangan ke Krimea."),
    ("hi", "रूसी मिसाइलों में चीनी चिप्स लगातार मिल रहे हैं।"),
    ("hi", "छोड़े गए रूसी ठिकानों में चीनी थर्मल इमेजिंग कैमरे मिले।"),
    ("hi", "रूस ने खारकीव पर हमलों में संशोधित चीनी ड्रोन इस्तेमाल किए।"),
    ("tr", "Rus füzelerinde Çin çipleri bulunmaya devam ediyor."),
    ("tr", "Terk edilmiş Rus mevzilerinde Çin yapımı termal nişangahlar bulundu."),
    ("tr", "Rusya, Harkiv'e yönelik saldırılarda değiştirilmiş Çin dronları kullandı."),
]

# (language, text): civilian trade with Russia naming a Chinese place, a Russian arms plant without China
QUIET = [
    (
        "fr",
        "Une entreprise de Shanghaï exporte des voitures électriques et des machines agricoles vers la Russie.",
    ),
    ("fr", "L'usine de chars russe d'Omsk a doublé sa production de munitions cette année."),
    ("es", "Una empresa de Shanghái exporta coches eléctricos y maquinaria agrícola a Rusia."),
    ("es", "La fábrica de tanques de Omsk, en Rusia, duplicó este año su producción de munición."),
    ("it", "Un'azienda di Nanchino esporta auto elettriche e macchine agricole in Russia."),
    ("it", "La fabbrica di carri armati russa di Omsk ha raddoppiato quest'anno la produzione di munizioni."),
    ("pt", "Uma empresa de Xangai exporta carros elétricos e máquinas agrícolas para a Rússia."),
    ("pt", "A fábrica de tanques de Omsk, na Rússia, duplicou este ano a produção de munições."),
    ("el", "Εταιρεία από τη Σαγκάη εξάγει ηλεκτρικά αυτοκίνητα και γεωργικά μηχανήματα στη Ρωσία."),
    ("el", "Το ρωσικό εργοστάσιο αρμάτων στο Ομσκ διπλασίασε φέτος την παραγωγή πυρομαχικών."),
    ("id", "Sebuah perusahaan di Mongolia Dalam mengekspor mobil listrik dan pupuk ke Rusia."),
    ("id", "Pabrik tank Rusia di Omsk menggandakan produksi amunisi tahun ini."),
    ("hi", "शंघाई की एक कंपनी रूस को इलेक्ट्रिक कारें और कृषि मशीनें बेचती है।"),
    ("hi", "रूस के टैंक कारखाने ने इस साल गोला-बारूद का उत्पादन दोगुना किया।"),
    ("tr", "Şanghay merkezli bir şirket Rusya'ya elektrikli otomobil ve tarım makinesi ihraç ediyor."),
    ("tr", "Rusya'daki tank fabrikası bu yıl mühimmat üretimini iki katına çıkardı."),
]

# (language, text): quiet, and no word of RUSSIA_MILITARY in it: a Chinese arms plant making shells
# for China's own army is not Russia's military; Chinese goods with Russia but no military, and
# China's own missiles
NOT_RUSSIAS_MILITARY = [
    ("fr", "Une usine d'armement chinoise produit des obus pour l'Armée populaire de libération."),
    ("fr", "Une usine de munitions chinoise produit des obus pour l'Armée populaire de libération."),
    ("es", "Una fábrica de municiones china produce proyectiles para el Ejército Popular de Liberación."),
    ("es", "Una fábrica de armas china produce proyectiles para el Ejército Popular de Liberación."),
    ("it", "Una fabbrica di munizioni cinese produce proiettili per l'Esercito popolare di liberazione."),
    ("it", "Una fabbrica di armi cinese produce proiettili per l'Esercito popolare di liberazione."),
    ("pt", "Uma fábrica de munições chinesa produz projéteis para o Exército de Libertação Popular."),
    ("pt", "Uma fábrica de armas chinesa produz projéteis para o Exército de Libertação Popular."),
    ("el", "Ένα κινεζικό εργοστάσιο πυρομαχικών παράγει βλήματα για τον Λαϊκό Απελευθερωτικό Στρατό."),
    ("el", "Ένα κινεζικό εργοστάσιο όπλων παράγει βλήματα για τον Λαϊκό Απελευθερωτικό Στρατό."),
    ("id", "Sebuah pabrik amunisi China memproduksi peluru artileri untuk Tentara Pembebasan Rakyat."),
    ("id", "Sebuah pabrik senjata China memproduksi peluru artileri untuk Tentara Pembebasan Rakyat."),
    ("hi", "एक चीनी गोला-बारूद कारखाना पीपुल्स लिबरेशन आर्मी के लिए तोप के गोले बनाता है।"),
    ("hi", "एक चीनी हथियार कारखाना पीपुल्स लिबरेशन आर्मी के लिए तोप के गोले बनाता है।"),
    ("tr", "Bir Çin mühimmat fabrikası Halk Kurtuluş Ordusu için mermi üretiyor."),
    ("tr", "Bir Çin silah fabrikası Halk Kurtuluş Ordusu için mermi üretiyor."),
    ("fr", "Des moteurs chinois propulsent la plupart des nouveaux bus de Moscou."),
    ("fr", "Une usine de missiles chinoise fabrique des missiles pour l'Armée populaire de libération."),
    ("es", "Motores chinos impulsan la mayoría de los nuevos autobuses de Moscú."),
    ("es", "Una fábrica de misiles china fabrica misiles para el Ejército Popular de Liberación."),
    ("it", "La maggior parte dei nuovi autobus di Mosca va con motori cinesi."),
    ("it", "Una fabbrica di missili cinese produce missili per l'Esercito popolare di liberazione."),
    ("pt", "A maioria dos novos autocarros de Moscovo anda com motores chineses."),
    ("pt", "Uma fábrica de mísseis chinesa produz mísseis para o Exército de Libertação Popular."),
    ("el", "Κινεζικοί κινητήρες κινούν τα περισσότερα νέα λεωφορεία της Μόσχας."),
    ("el", "Ένα κινεζικό εργοστάσιο πυραύλων κατασκευάζει πυραύλους για τον Λαϊκό Απελευθερωτικό Στρατό."),
    ("id", "Mesin buatan China menggerakkan sebagian besar bus baru di Moskow."),
    ("id", "Sebuah pabrik rudal China membuat rudal untuk Tentara Pembebasan Rakyat."),
    ("hi", "मॉस्को की ज़्यादातर नई बसें चीनी इंजनों से चलती हैं।"),
    ("hi", "एक चीनी मिसाइल कारखाना पीपुल्स लिबरेशन आर्मी के लिए मिसाइलें बनाता है।"),
    ("tr", "Moskova'daki yeni otobüslerin çoğunda Çin motorları kullanılıyor."),
    ("tr", "Bir Çin füze fabrikası Halk Kurtuluş Ordusu için füze üretiyor."),
]

# (language, group, text, the form that must be found)
FORMS = [
    ("el", "CN_PLACES", "Η έκθεση της Σαγκάης έκλεισε χθες.", "σαγκάης"),  # genitive
    (
        "el",
        "RUSSIA_MILITARY",
        "Η παραγωγή του ρωσικού εργοστασίου πυρομαχικών σταμάτησε.",
        "ρωσικού εργοστασίου πυρομαχικών",
    ),
    ("tr", "CN_PLACES", "Fuar Şanghay'da açıldı.", "şanghay"),  # a suffix after the apostrophe
    ("tr", "RUSSIA_MILITARY", "Rus füze fabrikalarında üretim arttı.", "rus füze fabrikalarında"),
    (
        "es",
        "RUSSIA_MILITARY",
        "Las fábricas de municiones rusas trabajan en tres turnos.",
        "fábricas de municiones rusas",
    ),
    ("it", "MILITARY_GOODS", "I mirini termici sono arrivati in ritardo.", "mirini termici"),
    ("pt", "MILITARY_GOODS", "Os quadricópteros foram apreendidos.", "quadricópteros"),
    (
        "fr",
        "RUSSIA_MILITARY",
        "Les usines d'armement russes tournent à plein régime.",
        "usines d'armement russes",
    ),
    ("hi", "CN_PLACES", "शेन्ज़ेन में मेला खुला।", "शेन्ज़ेन"),
    ("id", "MILITARY_GOODS", "Kamera termal itu disita di pelabuhan.", "kamera termal"),
    ("fr", "UA_PLACES", "L'annexion de la Crimée par la Russie.", "crimée"),
    ("fr", "RUSSIA_MILITARY", "Les unités d'assaut russes ont reculé.", "unités d'assaut russes"),
    ("es", "RUSSIA_MILITARY", "La Fuerza Aérea rusa bombardeó el puerto.", "fuerza aérea rusa"),
    ("it", "UA_PLACES", "Esplosioni a Donec’k.", "donec’k"),  # a typographic apostrophe
    ("pt", "UA_PLACES", "A anexação da Crimeia.", "crimeia"),
    ("el", "UA_PLACES", "Η προσάρτηση της Κριμαίας.", "κριμαίας"),  # genitive
    ("el", "RUSSIA_MILITARY", "Η βάση της ρωσικής πολεμικής αεροπορίας.", "ρωσικής πολεμικής αεροπορίας"),
    ("el", "RUSSIA_MILITARY", "Τα πυρά του ρωσικού πυροβολικού.", "ρωσικού πυροβολικού"),
    ("id", "RUSSIA_MILITARY", "Angkatan Laut Rusia menembakkan rudal.", "angkatan laut rusia"),
    ("hi", "RUSSIA_MILITARY", "रूसी टैंकों की कतार।", "रूसी टैंकों"),
    ("tr", "UA_PLACES", "Kırım'da patlama sesleri duyuldu.", "kırım"),  # a suffix after the apostrophe
    ("tr", "RUSSIA_MILITARY", "Rus tankları geri çekildi.", "rus tankları"),
]

# (language, group, text): a place name that is an everyday word in the language is not read as
# China; everyday words that share a place's or a unit's stem
NOT_FOUND = [
    ("fr", "CN_PLACES", "Le canton de Genève a voté hier."),
    ("es", "CN_PLACES", "El cantón de Quito amplió su presupuesto."),
    ("it", "CN_PLACES", "Il Canton Ticino ha approvato il bilancio."),
    ("tr", "CN_PLACES", "Sincan'da yeni bir hastane açıldı."),
    ("fr", "UA_PLACES", "Le crime organisé et les crimes financiers."),  # Crimée's stem is "crim"
    ("pt", "UA_PLACES", "O crime organizado cresceu."),
    ("el", "UA_PLACES", "Κρίμα, η σούμα ήταν μεγάλη."),  # σούμα (a sum) shares Σούμι's stem
    ("tr", "UA_PLACES", "Kırda yürüyüş yaptık."),  # kır (the countryside) shares Kırım's stem
    ("tr", "RUSSIA_MILITARY", "Rus tankerleri Çin limanlarına petrol taşıyor."),  # oil tankers
]
