"""The topic's everyday vocabulary in Chinese, Japanese, Korean and Arabic (config/rules/lang/zh,
ja, ko, ar.toml): Chinese places as each language writes them (CN_PLACES), sights, night vision,
lathes, quadcopters and the like (MILITARY_GOODS), Russia's forces and arms plants named as
Russia's (RUSSIA_MILITARY), Russia's units and hardware named as Russia's (RUSSIA_MILITARY) and
Ukraine's places (UA_PLACES, part of WAR). Reports that only these words make relevant are
flagged; civilian trade naming a Chinese city, a Russian arms plant without China, Chinese engines
in Moscow's buses and a Chinese arms or missile plant making shells or missiles for China's army
stay quiet; everyday words and names that hold a place's name are not read as a place. Every
text is written for these tests.
Its tables are checked by tests/test_rules_vocabulary.py, with the language given and detected;
the check here is its own."""

from __future__ import annotations

import pytest
from rule_languages import found

# (language, text, a word of the new vocabulary, as written, that the verdict must rest on)
FLAGGED_ON = [
    ("zh", "深圳一家贸易公司向俄罗斯军队出售热瞄准镜和夜视仪。", "深圳"),
    ("zh", "一家中国企业向俄罗斯坦克厂出口数控车床和铣床。", "俄罗斯坦克厂"),
    ("zh", "中国供应商向俄罗斯运送四旋翼飞行器和飞控。", "四旋翼"),
    ("zh", "義烏商人把步槍瞄準鏡賣給俄羅斯的彈藥廠。", "義烏"),
    ("ja", "深センの企業がロシア軍に暗視装置と照準器を販売した。", "深セン"),
    ("ja", "中国企業がロシアの戦車工場に旋盤とフライス盤を輸出した。", "ロシアの戦車工場"),
    (
        "ja",
        "中国のメーカーがロシアにクアッドコプターとフライトコントローラーを供給していた。",
        "クアッドコプター",
    ),
    ("ja", "ハルビンの商社がロシアの軍需工場にベアリングを売却した。", "ハルビン"),
    ("ko", "광저우의 한 업체가 러시아군에 야간투시경과 열화상 조준경을 판매했다.", "광저우의"),
    ("ko", "중국 기업이 러시아 전차 공장에 밀링머신을 수출했다.", "밀링머신을"),
    ("ko", "중국 업체들이 러시아에 쿼드콥터와 비행 제어기를 공급했다.", "쿼드콥터와"),
    ("ko", "하얼빈의 무역업체가 러시아의 미사일 공장에 베어링을 판매했다.", "하얼빈의"),
    ("ar", "باعت شركة في شنتشن مناظير حرارية وأجهزة الرؤية الليلية للجيش الروسي.", "شنتشن"),
    ("ar", "باعت شركة صينية مخارط إلى مصنع دبابات روسي.", "مصنع دبابات روسي"),
    ("ar", "قدمت شركات صينية طائرات رباعية المراوح ووحدات التحكم في الطيران إلى روسيا.", "رباعية المراوح"),
    ("ar", "باعت شركة مقرها هاربين محامل كروية للقوات المسلحة الروسية.", "هاربين"),
]

# Chinese goods in Russia's units and hardware named as Russia's (RUSSIA_MILITARY), or in Russia's
# hands over a place in Ukraine (UA_PLACES), flagged by chinese-goods-with-russian-forces:
# (language, text, the word the verdict must rest on)
FORCES_ON = [
    ("zh", "中国芯片不断出现在俄罗斯导弹中。", "俄罗斯导弹"),
    ("zh", "在哈尔科夫上空被击落的俄罗斯无人机装有中国发动机。", "哈尔科夫"),
    ("ja", "中国製の半導体がロシアのミサイルから相次いで見つかっている。", "ロシアのミサイル"),
    ("ja", "ハルキウ上空で撃墜されたロシアのドローンには中国製のエンジンが搭載されていた。", "ハルキウ"),
    ("ja", "ザポリージャ近郊のロシア側の陣地で中国製の照準器が見つかった。", "ロシア側の陣地"),
    ("ko", "중국산 반도체가 러시아 미사일에서 잇따라 발견되고 있다.", "러시아 미사일에서"),
    ("ko", "하르키우 상공에서 격추된 러시아 드론에 중국산 엔진이 실려 있었다.", "하르키우"),
    ("ko", "자포리자 인근 러시아 진지에서 중국산 열화상 조준경이 발견됐다.", "러시아 진지에서"),
    ("ar", "تظهر رقائق صينية باستمرار في الصواريخ الروسية.", "الصواريخ الروسية"),
    ("ar", "كانت المسيرات الروسية التي أسقطت فوق خاركيف تعمل بمحركات صينية.", "خاركيف"),
    ("ar", "عثر على مناظير حرارية صينية في الخنادق الروسية قرب باخموت.", "الخنادق الروسية"),
]

# civilian trade with Russia naming a Chinese city; a Russian arms plant with no China
QUIET = [
    ("zh", "哈尔滨一家公司向俄罗斯出口服装和家用电器。"),
    ("zh", "乌克兰无人机袭击了俄罗斯的一家弹药厂。"),
    ("ja", "広州の商社がロシアに衣料品を輸出した。"),
    ("ja", "ウクライナのドローンがロシアの弾薬工場を攻撃した。"),
    ("ko", "하얼빈의 무역업체가 러시아에 의류와 가전제품을 수출했다."),
    ("ko", "우크라이나 드론이 러시아의 탄약 공장을 공격했다."),
    ("ar", "باعت شركة في قوانغتشو الملابس والأجهزة المنزلية إلى روسيا."),
    ("ar", "هاجمت مسيرات أوكرانية مصنع ذخيرة في روسيا."),
]

# quiet, and no word of RUSSIA_MILITARY in it: a Chinese munitions (or arms) factory produces shells
# for the People's Liberation Army (an arms plant is Russia's military only when it is named as
# Russia's); Russia without its military, and a Chinese missile plant making missiles for China's
# army
NOT_RUSSIAS_MILITARY = [
    ("zh", "中国兵工厂为解放军生产炮弹。"),
    ("zh", "一家中国弹药厂为中国人民解放军生产炮弹。"),
    ("ja", "中国の弾薬工場が人民解放軍向けに砲弾を生産している。"),
    ("ja", "中国の兵器工場が人民解放軍向けに砲弾を製造している。"),
    ("ko", "중국 탄약 공장이 인민해방군을 위해 포탄을 생산한다."),
    ("ko", "중국의 무기공장이 인민해방군에 포탄을 공급한다."),
    ("ar", "مصنع ذخيرة صيني ينتج قذائف لجيش التحرير الشعبي."),
    ("ar", "ينتج مصنع أسلحة صيني قذائف لجيش التحرير الشعبي الصيني."),
    ("zh", "中国发动机驱动着莫斯科大多数新公交车。"),
    ("zh", "一家中国导弹工厂为解放军生产导弹。"),
    ("ja", "中国製エンジンがモスクワの新型バスの大半を動かしている。"),
    ("ja", "中国のミサイル工場が人民解放軍向けにミサイルを製造している。"),
    ("ko", "중국산 엔진이 모스크바의 신형 버스 대부분을 움직인다."),
    ("ko", "중국의 미사일 공장이 인민해방군을 위해 미사일을 만든다."),
    ("ar", "محركات صينية تشغل معظم الحافلات الجديدة في موسكو."),
    ("ar", "مصنع صواريخ صيني ينتج صواريخ لجيش التحرير الشعبي."),
]

# (language, group, text, the form that must be found): particles, attached prefixes, traditional
# characters
FORMS = [
    ("zh", "CN_PLACES", "貨物經瀋陽運往邊境。", "瀋陽"),
    ("zh", "MILITARY_GOODS", "海關查獲一批夜視儀。", "夜視儀"),
    ("ja", "CN_PLACES", "新疆ウイグル自治区の工場", "新疆"),
    ("ko", "CN_PLACES", "신장위구르 자치구와 저장성에서", "저장성에서"),
    ("ko", "RUSSIA_MILITARY", "러시아의 탄약공장들이 가동을 늘렸다.", "러시아의 탄약공장들이"),
    ("ko", "RUSSIA_MILITARY", "러 미사일공장을 겨냥한 공격", "러 미사일공장을"),
    ("zh", "RUSSIA_MILITARY", "無人機襲擊了俄國彈藥廠。", "俄國彈藥廠"),
    ("ja", "RUSSIA_MILITARY", "露弾薬工場への攻撃", "露弾薬工場"),
    ("ar", "CN_PLACES", "شحنات انطلقت بشنتشن ولشنغهاي", "بشنتشن"),
    ("ar", "CN_PLACES", "شحنات انطلقت بشنتشن ولشنغهاي", "ولشنغهاي"),
    ("ar", "RUSSIA_MILITARY", "زار مصنعا روسيا للأسلحة ومصانع الذخيرة الروسية", "ومصانع الذخيرة الروسية"),
    ("ar", "RUSSIA_MILITARY", "قصفت المسيرات مصانع روسية للصواريخ", "مصانع روسية للصواريخ"),
    ("ar", "MILITARY_GOODS", "صادرت الشرطة سترات واقية والصور الفضائية", "والصور الفضائية"),
]

# (language, group, text): everyday words that hold a place's name: propaganda, a long time,
# storage, a company's founding, a draft, last (year); fugitive, generation; a grand celebration,
# compound fertiliser, Brazil's security; a grand coalition. Words and names that hold a Ukrainian
# place's name: Koh Samui, a professor Nikolayev; robots and "a group of" engineers; cream and a
# woman called Sumi; Mr Nikolayev. Russian-made weapons in anyone's hands, and a Russian cable
# maker (전선 is also a cable).
NOT_FOUND = [
    ("ko", "CN_PLACES", "선전 선동은 장시간 이어졌고 자료는 저장되었다."),
    ("ko", "CN_PLACES", "창사 기념식에서 시안을 검토했고 지난 해와 비교했다."),
    ("ar", "CN_PLACES", "هارب من العدالة أمام جيل جديد والجيل القادم"),
    ("zh", "CN_PLACES", "人们隆重庆祝节日，复合肥料价格上涨，巴西安全部门发表声明。"),
    ("ja", "CN_PLACES", "大連立政権のもと複合肥料の輸入が増えた。"),
    ("zh", "UA_PLACES", "游客在苏梅岛度假，尼古拉耶夫教授发表演讲。"),
    ("ar", "UA_PLACES", "صنعت الروبوتات لفيف من المهندسين."),
    ("ko", "UA_PLACES", "크림 케이크를 먹은 수미 씨가 웃었다."),
    ("ja", "UA_PLACES", "ニコラエフ氏が来日した。"),
    ("ja", "RUSSIA_MILITARY", "中国はロシア兵器を模倣してきた。"),
    ("ko", "RUSSIA_MILITARY", "러시아 전선 업체가 케이블을 수출했다."),
]

# (language, group, text, every form found, in order): traditional characters and Taiwan's
# spellings, particles, attached prefixes
EVERY_FORM = [
    ("zh", "UA_PLACES", "無人機在頓內次克和札波羅熱上空被擊落", ["頓內次克", "札波羅熱"]),
    ("zh", "RUSSIA_MILITARY", "中國晶片出現在俄羅斯飛彈中", ["俄羅斯飛彈"]),
    ("ja", "UA_PLACES", "ノバ・カホフカとセベロドネツクで", ["カホフカ", "ドネツク"]),
    (
        "ko",
        "UA_PLACES",
        "도네츠크에서 크름반도까지, 차시우 야르의 전투",
        ["도네츠크에서", "크름반도까지", "차시우 야르의"],
    ),
    ("ko", "RUSSIA_MILITARY", "러시아 미사일에서 러 전투기의 잔해까지", ["러시아 미사일에서", "러 전투기의"]),
    ("ar", "UA_PLACES", "انفجارات بخاركيف ولدونيتسك وفي القرم", ["بخاركيف", "ولدونيتسك", "القرم"]),
    (
        "ar",
        "RUSSIA_MILITARY",
        "رقائق في الصواريخ الروسية والدبابات الروسية",
        ["الصواريخ الروسية", "والدبابات الروسية"],
    ),
]


@pytest.mark.parametrize(
    ("language", "group", "text", "forms"),
    EVERY_FORM,
    ids=[f"{row[0]}-{n}" for n, row in enumerate(EVERY_FORM)],
)
def test_russias_units_and_ukraines_places_are_found_in_their_written_forms_and_nothing_else(
    language: str, group: str, text: str, forms: list[str]
) -> None:
    assert found(group, text, language) == forms, (language, group, text)
