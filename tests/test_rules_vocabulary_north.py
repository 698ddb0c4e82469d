"""Topic vocabulary of the German, Dutch, Swedish, Danish, Norwegian, Finnish, Estonian and
Hungarian files (config/rules/lang/): sights, night vision, machine tools and other goods of the
topic (MILITARY_GOODS), arms, munitions, tank and missile plants and Russia's forces
(RUSSIA_MILITARY), Chinese places as each language writes them (CN_PLACES) and Ukraine's places
(UA_PLACES, part of WAR). Reports that flag only thanks to these words are flagged; look-alikes
(civilian trade from a Chinese city, a Russian arms plant without China) stay quiet. Every text
is written for these tests.
Its tables are checked by tests/test_rules_vocabulary.py, with the language given and detected."""

from __future__ import annotations

# (language, text): each flags only through a word of MILITARY_GOODS, RUSSIA_MILITARY or CN_PLACES
FLAGGED = [
    ("de", "Ein Händler aus Shenzhen lieferte Zielfernrohre und Nachtsichtgeräte nach Russland."),
    (
        "de",
        "Chinesische Firmen beliefern seit Monaten mehrere russische Panzerwerke und Munitionsfabriken.",
    ),
    ("de", "Eine Firma in Urumtschi verkaufte CNC-Fräsmaschinen an ein russisches Rüstungswerk."),
    ("de", "Ein Zulieferer aus der Inneren Mongolei schickte Wärmebildvisiere an die russische Armee."),
    ("nl", "Een handelaar uit Shenzhen leverde richtkijkers en nachtzichtapparatuur aan Rusland."),
    ("nl", "Chinese bedrijven bevoorraden al maanden Russische munitiefabrieken."),
    ("nl", "Een bedrijf uit Sjanghai verkocht drones aan het Russische leger."),
    (
        "nl",
        "Een leverancier in Binnen-Mongolië stuurde satellietfoto's van het front naar de Russische strijdmacht.",
    ),
    ("sv", "Ett företag i Shenzhen levererade kikarsikten och mörkerkikare till Ryssland."),
    ("sv", "Kinesiska bolag har sålt svarvar och fräsmaskiner till ryska vapenfabriker."),
    ("sv", "En leverantör i Inre Mongoliet skickade drönare till den ryska armén."),
    ("sv", "Kinesiska företag förser ryska ammunitionsfabriker med råvaror."),
    ("da", "En virksomhed i Shenzhen leverede kikkertsigter og natkikkerter til Rusland."),
    ("da", "Kinesiske virksomheder forsyner russiske ammunitionsfabrikker med råvarer."),
    ("da", "En leverandør i Indre Mongoliet sendte droner til den russiske hær."),
    ("da", "Kinesiske selskaber har solgt drejebænke og fræsemaskiner til Rusland."),
    ("no", "Et selskap i Shenzhen leverte kikkertsikter og nattkikkerter til Russland."),
    ("no", "Kinesiske selskaper forsyner russiske ammunisjonsfabrikker med råvarer."),
    ("no", "En leverandør i Indre Mongolia sendte droner til den russiske hæren."),
    ("no", "Kinesiske bedrifter har solgt dreiebenker og fresemaskiner til Russland."),
    ("fi", "Shenzheniläinen yritys toimitti drooneja Venäjän armeijalle."),
    ("fi", "Kiinalainen kauppias myi kiikaritähtäimiä ja lämpötähtäimiä Venäjälle."),
    ("fi", "Kiinalaiset yritykset ovat toimittaneet raaka-aineita venäläisille panssarivaunutehtaille."),
    ("fi", "Harbinissa toimiva yhtiö myi sorveja venäläiselle asetehtaalle."),
    ("et", "Shenzhenis asuv ettevõte tarnis droone Vene armeele."),
    ("et", "Hiina kaupmees müüs Venemaale öösihikuid ja treipinke."),
    ("et", "Hiina ettevõtted on tarninud toorainet Venemaa tankitehastele."),
    ("et", "Harbinis tegutsev firma saatis soojussihikuid Vene vägedele."),
    ("hu", "Egy sencseni cég drónokat szállított az orosz hadseregnek."),
    ("hu", "Egy kínai kereskedő céltávcsöveket és éjjellátó készülékeket adott el Oroszországnak."),
    ("hu", "Kínai cégek nyersanyagot szállítanak orosz lőszergyáraknak."),
    ("hu", "Egy harbini vállalat esztergagépeket szállított egy orosz fegyvergyárnak."),
]

# Russia's units and hardware (RUSSIA_MILITARY), always written as Russia's, and Ukraine's places
# (UA_PLACES, part of WAR) as each language writes them: (language, text), each flagged by the rule
# chinese-goods-with-russian-forces only through one of these words
FORCES = [
    ("de", "Chinesische Wärmebildvisiere wurden in russischen Schützengräben gefunden."),
    ("de", "Chinesische Chips stecken immer wieder in russischen Raketen."),
    ("de", "Bei Saporischschja setzen die Russen jetzt chinesische Drohnen ein."),
    ("nl", "Chinese thermische vizieren werden aangetroffen in Russische loopgraven."),
    ("nl", "Chinese chips duiken steeds weer op in Russische raketten."),
    ("nl", "Bij Bachmoet zetten de Russen nu Chinese drones in."),
    ("sv", "Kinesiska värmesikten hittades i ryska skyttegravar."),
    ("sv", "Kinesiska chip dyker hela tiden upp i ryska kryssningsrobotar."),
    ("sv", "Vid Charkiv använder ryssarna numera kinesiska drönare."),
    ("da", "Kinesiske termiske sigter blev fundet i russiske skyttegrave."),
    ("da", "Kinesiske chips dukker hele tiden op i russiske missiler."),
    ("da", "Ved Tjasiv Jar bruger russerne nu kinesiske droner."),
    ("no", "Kinesiske termiske sikter ble funnet i russiske skyttegraver."),
    ("no", "Kinesiske chips dukker stadig opp i russiske missiler."),
    ("no", "Ved Lysytsjansk bruker russerne nå kinesiske droner."),
    ("fi", "Kiinalaisia lämpötähtäimiä löytyi venäläisissä juoksuhaudoissa."),
    ("fi", "Kiinalaisia siruja löytyy yhä venäläisistä ohjuksista."),
    ("fi", "Venäläiset käyttävät Harkovan lähellä kiinalaisia drooneja."),
    ("et", "Hiina soojussihikuid leiti Vene positsioonidelt."),
    ("et", "Hiina kiipe leitakse ikka ja jälle Vene rakettidest."),
    ("et", "Bahmuti all kasutavad venelased nüüd Hiina droone."),
    ("hu", "Kínai hőkamerás céltávcsöveket találtak az orosz lövészárkokban."),
    ("hu", "Kínai chipek újra és újra felbukkannak orosz rakétákban."),
    ("hu", "Zaporizzsjánál az oroszok most kínai drónokat használnak."),
]

# (language, text): civilian trade from a Chinese city; a Russian arms plant and no China
QUIET = [
    ("de", "Ein Großhändler aus Urumtschi verkauft Kühlschränke und Fernseher nach Russland."),
    ("de", "Die russische Panzerfabrik in Omsk hat ihre Produktion von Granaten verdoppelt."),
    ("nl", "Een groothandel uit Sjanghai verkoopt koelkasten en televisies aan Rusland."),
    ("nl", "De Russische tankfabriek in Omsk verdubbelde de productie van granaten."),
    ("sv", "En grossist i Shanghai säljer kylskåp och tv-apparater till Ryssland."),
    ("sv", "Den ryska stridsvagnsfabriken i Omsk fördubblade produktionen av granater."),
    ("da", "En grossist i Shanghai sælger køleskabe og fjernsyn til Rusland."),
    ("da", "Den russiske kampvognsfabrik i Omsk fordoblede produktionen af granater."),
    ("no", "En grossist i Shanghai selger kjøleskap og fjernsyn til Russland."),
    ("no", "Den russiske stridsvognfabrikken i Omsk doblet produksjonen av granater."),
    ("fi", "Shanghaissa toimiva tukkukauppa myy jääkaappeja ja televisioita Venäjälle."),
    ("fi", "Venäläinen panssarivaunutehdas Omskissa kaksinkertaisti kranaattien tuotannon."),
    ("et", "Šanghais asuv hulgimüüja müüb Venemaale külmkappe ja telereid."),
    ("et", "Venemaa tankitehas Omskis kahekordistas mürskude tootmist."),
    ("hu", "Egy sanghajban működő nagykereskedő hűtőszekrényeket és televíziókat szállít Oroszországnak."),
    ("hu", "Az omszki orosz harckocsigyár megduplázta a gránátok gyártását."),
]

# (language, text): quiet, and no word of RUSSIA_MILITARY in it. A Chinese munitions or arms factory
# making shells for China's own army, which is not Russia's military: the plant words of
# RUSSIA_MILITARY are written as Russia's. Chinese engines in Moscow's buses (Russia, no military
# context) and a Chinese missile plant making missiles for China's own army (missiles that are not
# Russia's).
NOT_RUSSIAS_MILITARY = [
    ("de", "Eine chinesische Munitionsfabrik produziert Granaten für die Volksbefreiungsarmee."),
    ("de", "Eine chinesische Waffenfabrik produziert Granaten für die Volksbefreiungsarmee."),
    ("nl", "Een Chinese munitiefabriek produceert granaten voor het Volksbevrijdingsleger."),
    ("sv", "En kinesisk ammunitionsfabrik tillverkar granater åt Folkets befrielsearmé."),
    ("da", "En kinesisk ammunitionsfabrik producerer granater til Folkets Befrielseshær."),
    ("no", "En kinesisk ammunisjonsfabrikk produserer granater til Folkets frigjøringshær."),
    ("fi", "Kiinalainen ammustehdas valmistaa kranaatteja Kansan vapautusarmeijalle."),
    ("fi", "Kiinalainen asetehdas valmistaa kranaatteja Kansan vapautusarmeijalle."),
    ("et", "Hiina laskemoonatehas toodab mürske Rahvavabastusarmeele."),
    ("hu", "Egy kínai lőszergyár lövedékeket gyárt a Kínai Népi Felszabadító Hadseregnek."),
    ("hu", "Egy kínai fegyvergyár lövedékeket gyárt a Kínai Népi Felszabadító Hadseregnek."),
    ("de", "Chinesische Motoren treiben die meisten neuen Busse in Moskau an."),
    ("de", "Eine chinesische Raketenfabrik baut Raketen für die Volksbefreiungsarmee."),
    ("nl", "Chinese motoren drijven de meeste nieuwe bussen in Moskou aan."),
    ("nl", "Een Chinese raketfabriek maakt raketten voor het Volksbevrijdingsleger."),
    ("sv", "Kinesiska motorer driver de flesta nya bussarna i Moskva."),
    ("sv", "En kinesisk robotfabrik tillverkar robotar åt Folkets befrielsearmé."),
    ("da", "Kinesiske motorer driver de fleste nye busser i Moskva."),
    ("da", "En kinesisk missilfabrik fremstiller missiler til Folkets Befrielseshær."),
    ("no", "Kinesiske motorer driver de fleste nye bussene i Moskva."),
    ("no", "En kinesisk missilfabrikk lager missiler til Folkets frigjøringshær."),
    ("fi", "Kiinalaiset moottorit liikuttavat useimpia Moskovan uusia busseja."),
    ("fi", "Kiinalainen ohjustehdas valmistaa ohjuksia Kansan vapautusarmeijalle."),
    ("et", "Hiina mootorid panevad liikuma enamiku Moskva uutest bussidest."),
    ("et", "Hiina raketitehas toodab rakette Rahvavabastusarmeele."),
    ("hu", "Kínai motorok hajtják a legtöbb új buszt Moszkvában."),
    ("hu", "Egy kínai rakétagyár rakétákat gyárt a Kínai Népi Felszabadító Hadseregnek."),
]

# (language, group, text, the form that must be found): the look-alikes hold the new words, so their
# quiet is the rules' doing; then the new words in the forms news use
FORMS = [
    ("de", "CN_PLACES", "Ein Großhändler aus Urumtschi verkauft Kühlschränke.", "urumtschi"),
    ("de", "RUSSIA_MILITARY", "Die russische Panzerfabrik in Omsk.", "russische panzerfabrik"),
    ("nl", "CN_PLACES", "Een groothandel uit Sjanghai.", "sjanghai"),
    ("nl", "RUSSIA_MILITARY", "De Russische tankfabriek in Omsk.", "russische tankfabriek"),
    ("sv", "RUSSIA_MILITARY", "Den ryska stridsvagnsfabriken i Omsk.", "ryska stridsvagnsfabriken"),
    ("da", "RUSSIA_MILITARY", "Den russiske kampvognsfabrik i Omsk.", "russiske kampvognsfabrik"),
    ("no", "RUSSIA_MILITARY", "Den russiske stridsvognfabrikken i Omsk.", "russiske stridsvognfabrikken"),
    ("fi", "CN_PLACES", "Shanghaissa toimiva tukkukauppa.", "shanghaissa"),
    ("fi", "RUSSIA_MILITARY", "Venäläinen panssarivaunutehdas Omskissa.", "venäläinen panssarivaunutehdas"),
    ("et", "CN_PLACES", "Šanghais asuv hulgimüüja.", "šanghais"),
    ("et", "RUSSIA_MILITARY", "Venemaa tankitehas Omskis.", "venemaa tankitehas"),
    ("hu", "CN_PLACES", "Egy sanghajban működő nagykereskedő.", "sanghajban"),
    ("hu", "RUSSIA_MILITARY", "Az omszki orosz harckocsigyár.", "orosz harckocsigyár"),
    ("de", "RUSSIA_MILITARY", "In russischen Schützengräben.", "russischen schützengräben"),
    ("de", "UA_PLACES", "Die Halbinsel Krim.", "krim"),
    ("nl", "UA_PLACES", "In Marioepol.", "marioepol"),
    ("sv", "RUSSIA_MILITARY", "Det ryska flygvapnet.", "ryska flygvapnet"),
    ("da", "RUSSIA_MILITARY", "De russiske kampvogne.", "russiske kampvogne"),
    ("no", "UA_PLACES", "På Krimhalvøya.", "krimhalvøya"),
    ("fi", "RUSSIA_MILITARY", "Venäläisissä panssarivaunuissa.", "venäläisissä panssarivaunuissa"),
    ("fi", "UA_PLACES", "Hersonissa ja Sumyssa.", "hersonissa"),
    ("fi", "UA_PLACES", "Krimin niemimaalla.", "krimin niemimaalla"),
    ("et", "UA_PLACES", "Krimmis ja Harkivis.", "krimmis"),
    ("et", "RUSSIA_MILITARY", "Vene tankides.", "vene tankides"),
    ("hu", "UA_PLACES", "A Krímben és Donyeckben.", "krímben"),
    ("hu", "RUSSIA_MILITARY", "Az orosz harckocsikban.", "orosz harckocsikban"),
]

# (language, group, text): the Shanghai Cooperation Organisation's name, which names no place in
# China; civilian words that start like the new goods; words that start like the new ones and are
# neither Russia's forces (a political stance, a status, Russia's oil tankers) nor a place in
# Ukraine (crime novels, Crete)
NOT_FOUND = [
    ("de", "CN_PLACES", "Die Schanghaier Organisation für Zusammenarbeit tagte in Astana."),
    ("fi", "CN_PLACES", "Shanghain yhteistyöjärjestö kokoontui Astanassa."),
    ("hu", "CN_PLACES", "A Sanghaji Együttműködési Szervezet csúcstalálkozója Asztanában volt."),
    # air traffic controllers
    ("fi", "MILITARY_GOODS", "Lennonohjaajat lakkoilivat Helsinki-Vantaan lentoasemalla."),
    ("da", "MILITARY_GOODS", "Han har dårligt nattesyn og kører ikke om aftenen."),  # poor eyesight at night
    ("no", "MILITARY_GOODS", "Hun har dårlig nattsyn og kjører ikke om kvelden."),
    ("hu", "RUSSIA_MILITARY", "Az orosz álláspont nem változott."),  # the Russian stance
    ("fi", "RUSSIA_MILITARY", "Venäläisten asema Virossa on heikentynyt."),  # Russians' status
    ("nl", "RUSSIA_MILITARY", "De Russische positie in de onderhandelingen is hard."),
    ("da", "RUSSIA_MILITARY", "Den russiske position i forhandlingerne er uændret."),
    ("sv", "RUSSIA_MILITARY", "Den ryska positionen i förhandlingarna är oförändrad."),
    ("et", "RUSSIA_MILITARY", "Vene tankerid seisavad sadamas."),  # oil tankers
    ("hu", "RUSSIA_MILITARY", "Az orosz tankhajók a kikötőben állnak."),
    ("fi", "RUSSIA_MILITARY", "Venäläiset tankkerit odottavat satamassa."),
    ("no", "UA_PLACES", "Påskekrim er en norsk tradisjon, og hun leser en krim hvert år."),
    ("fi", "UA_PLACES", "Krimin juoni oli heikko."),  # the crime novel's plot
    ("hu", "UA_PLACES", "A krimi cselekménye gyenge volt."),
    ("fi", "UA_PLACES", "Lomailimme Hersonissoksella Kreetalla."),
    ("et", "UA_PLACES", "Puhkasime Hersonissoses Kreetal."),
    ("hu", "UA_PLACES", "Herszonisszoszban nyaraltunk Krétán."),
]
