"""A deterministic Chinese government-text corpus and sensitive-word list for the scanner benchmark.

The text is made of paragraphs of sentences in the style of county notices, work reports, disclosure
catalogues and decisions (72 templates with their slots filled at random), with, at
fixed rates, what a confidentiality review looks for: valid and mistyped resident ID numbers, mobile
numbers in several formats, bank card numbers, home addresses, secrecy and internal-only markings,
and words of the list. The word list has 10,000 words of 2 to 6 characters drawn from the 3,755
first-level characters of GB 2312 (the common characters); a share of it is sprinkled in the text.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

SENTENCES = (
    "{unit}认真贯彻落实党中央、国务院决策部署，按照省委、省政府和市委、市政府工作要求，扎实推进各项工作。",
    "{year}年，全县共受理行政许可事项{n}件，办结{n}件，按时办结率达到百分之{pct}。",
    "为进一步规范行政权力运行，提高行政效能，根据有关法律法规规定，结合本县实际，制定本办法。",
    "各乡镇人民政府、县直各单位要高度重视，切实加强组织领导，明确责任分工，确保工作落到实处。",
    "{town}按照“先审查、后公开”和“一事一审”的原则，建立健全政府信息公开保密审查机制。",
    "本机关全年主动公开政府信息{n}条，其中通过政府网站公开{n}条，政务新媒体公开{n}条。",
    "申请人对本机关作出的政府信息公开决定不服的，可以在收到本决定之日起六十日内申请行政复议。",
    "也可以在收到本决定之日起六个月内依法向人民法院提起行政诉讼。",
    "{unit}于{date}收到{name}提交的政府信息公开申请，申请获取{item}的相关信息。",
    "经审查，您申请获取的信息属于公开范围，现将有关信息提供给您，请查收。",
    "依据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，决定予以公开。",
    "涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得公开。",
    "但是，第三方同意公开或者行政机关认为不公开会对公共利益造成重大影响的，予以公开。",
    "{town}{year}年一般公共预算收入完成{amount}万元，同比增长百分之{pct}。",
    "全年民生支出{amount}万元，占一般公共预算支出的百分之{pct}，财政保障能力持续增强。",
    "会议听取了{unit}关于{item}有关情况的汇报，研究部署了下一阶段重点工作。",
    "会议强调，要坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "要持续深化“放管服”改革，优化营商环境，推动更多政务服务事项“一网通办”。",
    "县政务服务中心设置综合受理窗口{n}个，实行“前台综合受理、后台分类审批、统一窗口出件”。",
    "对群众反映的问题，要建立台账、明确时限、跟踪督办，做到件件有着落、事事有回音。",
    "各责任单位要于{date}前将工作进展情况报送县政府办公室，逾期未报送的予以通报。",
    "电子监察系统对行政审批事项实行全过程实时监察，对临近时限的事项发出预警提示。",
    "对超过承诺时限仍未办结的事项，系统自动发出黄牌警告，并抄送单位主要负责人。",
    "连续两次被亮黄牌或者造成严重后果的，给予红牌处理，并按照有关规定追究责任。",
    "本年度共发出预警{n}次、黄牌{n}张、红牌{n}张，均已按期完成整改。",
    "{name}同志，{unit}工作人员，负责{item}的受理和初审工作。",
    "经研究，同意{unit}关于调整{item}收费标准的请示，自{date}起执行。",
    "请各地结合实际认真贯彻执行，执行中遇到的问题，请及时向{unit}反映。",
    "本通知自印发之日起施行，有效期五年。此前有关规定与本通知不一致的，以本通知为准。",
    "我县农村人居环境整治三年行动圆满收官，完成农村户厕改造{n}户，卫生厕所普及率明显提高。",
    "全县新建改建农村公路{n}公里，实施危桥改造{n}座，群众出行条件进一步改善。",
    "{town}组织开展安全生产大检查，共检查企业{n}家，发现并整改隐患{n}处。",
    "坚持和发展新时代“枫桥经验”，推动矛盾纠纷多元化解，全年调处矛盾纠纷{n}件。",
    "建立健全防止返贫动态监测和帮扶机制，确保不发生规模性返贫。",
    "扎实推进义务教育优质均衡发展，新建改扩建中小学校{n}所，新增学位{n}个。",
    "城乡居民基本医疗保险参保率稳定在百分之{pct}以上，大病保险待遇水平持续提高。",
    "发放城乡低保金{amount}万元、特困供养金{amount}万元，困难群众基本生活得到有效保障。",
    "行政处罚决定书载明：当事人{name}未按规定办理相关手续，违反了有关规定。",
    "根据《中华人民共和国行政处罚法》第二十八条的规定，责令当事人立即改正违法行为。",
    "决定给予当事人罚款人民币{amount}元的行政处罚，罚款于收到本决定书之日起十五日内缴纳。",
    "当事人逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。",
    "项目总投资{amount}万元，建设内容包括道路、给排水、绿化、照明等配套工程。",
    "招标人为{unit}，招标代理机构为某工程咨询有限公司，资金来源为财政资金。",
    "投标人应当具备独立承担民事责任的能力，具有良好的商业信誉和健全的财务会计制度。",
    "评标委员会由招标人代表和有关技术、经济等方面的专家组成，成员人数为{n}人。",
    "中标候选人公示期为三日，投标人或者其他利害关系人对评标结果有异议的，应当在公示期间提出。",
    "政府采购项目应当严格执行政府采购法律法规，不得以不合理的条件对供应商实行差别待遇。",
    "专项资金实行专款专用，任何单位和个人不得截留、挤占、挪用。",
    "本年度收到政府信息公开申请{n}件，其中自然人申请{n}件，法人或者其他组织申请{n}件。",
    "全年因政府信息公开工作被申请行政复议{n}件，被提起行政诉讼{n}件，未发生被纠错的情况。",
    "政府信息公开工作仍存在公开内容不够全面、解读回应不够及时等问题。",
    "下一步，我们将进一步加强政府信息公开队伍建设，强化业务培训，提升工作水平。",
    "进一步完善政府网站和政务新媒体内容保障机制，确保信息发布及时、准确、规范。",
    "县政府门户网站全年发布信息{n}条，办理网民留言{n}件，平均办理时间{n}个工作日。",
    "对网站存在的错链、断链、空白栏目等问题，要及时整改，不得以“正在建设中”等理由拖延。",
    "{town}{village}村党支部书记{name}带领群众发展特色产业，村集体经济收入突破{amount}万元。",
    "持续开展“我为群众办实事”实践活动，累计为群众办理实事{n}件。",
    "加强耕地保护，严格落实耕地占补平衡制度，坚决遏制耕地“非农化”、防止“非粮化”。",
    "全县粮食播种面积稳定在{n}万亩，粮食总产量{n}万吨。",
    "深入实施河湖长制，全县{n}条河流水质稳定达到国家考核标准。",
    "空气质量优良天数比例达到百分之{pct}，细颗粒物平均浓度持续下降。",
    "统筹推进疫情防控和经济社会发展，保持经济运行在合理区间。",
    "规模以上工业增加值增长百分之{pct}，固定资产投资增长百分之{pct}。",
    "社会消费品零售总额{amount}亿元，城乡居民人均可支配收入分别增长百分之{pct}。",
    "坚持依法行政，严格落实重大行政决策程序，推进严格规范公正文明执法。",
    "行政规范性文件在发布前须经合法性审核，未经审核的不得发布施行。",
    "{unit}现行有效的行政规范性文件共{n}件，本年度制发{n}件，废止{n}件。",
    "请于{date}前到{unit}领取《政府信息公开申请答复书》，逾期视为放弃。",
    "联系人：{name}，联系地址：{town}人民路{n}号，邮政编码：{postcode}。",
    "附件：{year}年度{item}实施方案",
    "（此件公开发布）",
    "{unit}办公室{date}印发",
)

UNITS = ("县发展和改革局", "县财政局", "县人力资源和社会保障局", "县自然资源局", "县生态环境局",
         "县住房和城乡建设局", "县交通运输局", "县农业农村局", "县水利局", "县商务局", "县文化和旅游局",
         "县卫生健康委员会", "县应急管理局", "县审计局", "县市场监督管理局", "县统计局", "县医疗保障局",
         "县行政审批局", "县政务服务中心", "县人民政府办公室", "县教育局", "县民政局", "县司法局",
         "县公安局", "县退役军人事务局", "县林业局", "县城市管理局", "县信访局")
TOWNS = ("城关镇", "东湖街道", "西山镇", "南河乡", "北岭镇", "青石镇", "白沙乡", "龙泉街道", "桃源镇",
         "新华街道", "金山乡", "柳林镇", "杨庄镇", "马坊乡", "红旗街道")
VILLAGES = ("张家", "李庄", "王屯", "刘营", "陈湾", "杨寨", "赵岗", "黄土", "周庄", "吴家")
ITEMS = ("建设工程规划许可", "食品经营许可", "城乡居民养老保险", "农村危房改造", "高标准农田建设",
         "老旧小区改造", "义务教育经费保障", "最低生活保障", "药品零售许可", "道路运输经营许可",
         "取水许可", "林木采伐许可", "建筑工程施工许可", "排污许可", "户外广告设置")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强文斌海燕红梅玉兰建华"
ROADS = ("人民路", "解放路", "建设路", "中山路", "和平街", "文化街", "幸福巷", "光明大道", "朝阳路", "滨河路")
ESTATES = ("阳光小区", "锦绣花园", "金色家园", "翠湖苑", "和谐新村", "")
MARKING_LINES = ("秘密★1年", "机密★5年", "绝密★长期", "内部资料 注意保存", "内部文件，注意保密", "密级：秘密",
                 "【内部】", "不宜公开")


def common_characters() -> list[str]:
    """The 3,755 first-level characters of GB 2312 (rows 16 to 55), the usual set of common characters."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            if row == 0xD7 and cell > 0xF9:  # row 55 ends at 0xD7F9
                break
            chars.append(bytes((row, cell)).decode("gb2312"))
    return chars


def word_list(count: int = 10_000, seed: int = 2026) -> list[str]:
    """``count`` distinct words of 2 to 6 common characters (lengths weighted toward 2 to 4)."""
    rng = random.Random(seed)
    chars = common_characters()
    words: dict[str, None] = {}
    while len(words) < count:
        length = rng.choices((2, 3, 4, 5, 6), weights=(30, 30, 25, 10, 5))[0]
        words["".join(rng.choices(chars, k=length))] = None
    return list(words)


def id_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2),
                                           strict=True))
    return "10X98765432"[total % 11]


def luhn_complete(partial: str) -> str:
    digits = [int(d) for d in reversed(partial + "0")]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return partial + str((10 - total % 10) % 10)


class _Filler:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))

    def day(self) -> date:
        return date(2015, 1, 1) + timedelta(days=self.rng.randrange(4000))

    def sentence(self) -> str:
        rng = self.rng
        template = rng.choice(SENTENCES)
        return template.format(
            unit=rng.choice(UNITS), town=rng.choice(TOWNS), village=rng.choice(VILLAGES), item=rng.choice(ITEMS),
            name=self.name(), n=rng.randint(2, 3000), pct=f"{rng.uniform(50, 99.9):.1f}",
            amount=f"{rng.uniform(1, 90000):.2f}", year=rng.randint(2015, 2025), postcode=f"{rng.randint(1, 8)}00000",
            date=self.day().strftime("%Y年%-m月%-d日"))

    def id_number(self, valid: bool = True) -> str:
        born = date(1940, 1, 1) + timedelta(days=self.rng.randrange(25000))
        first17 = f"{self.rng.choice((11, 31, 37, 41, 44, 51, 61))}{self.rng.randint(100, 9999):04d}" \
                  f"{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
        check = id_check(first17)
        if not valid:
            check = self.rng.choice([c for c in "0123456789X" if c != check])
        return first17 + check

    def mobile(self) -> str:
        number = f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999_999_999):09d}"
        style = self.rng.randrange(3)
        if style == 1:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        if style == 2:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        return number

    def card(self) -> str:
        number = luhn_complete("6222" + "".join(self.rng.choices("0123456789", k=14)))
        return " ".join(number[i:i + 4] for i in range(0, len(number), 4)) if self.rng.random() < 0.5 else number

    def address(self) -> str:
        rng = self.rng
        return (f"{rng.choice(TOWNS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(ESTATES)}"
                f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 30)}{rng.randint(1, 4):02d}室")

    def personal_sentence(self) -> str:
        rng = self.rng
        kind = rng.randrange(5)
        if kind == 0:
            return f"申请人{self.name()}（公民身份号码：{self.id_number()}）于{self.day():%Y年%m月%d日}提出申请。"
        if kind == 1:
            return f"经核对，登记的身份证号码{self.id_number(valid=False)}与户籍信息不一致。"
        if kind == 2:
            return f"如有疑问，请联系{self.name()}，联系电话：{self.mobile()}。"
        if kind == 3:
            return f"补助资金已打入{self.name()}的银行账户（卡号：{self.card()}）。"
        return f"当事人{self.name()}，住{self.address()}。"


def corpus(megabytes: float, words: list[str], seed: int = 42, planted_share: float = 0.05,
           characters_per_word: int = 1000) -> str:
    """About ``megabytes`` MB (UTF-8) of text. Per paragraph of 3 to 8 sentences: a 1 in 6 chance of a
    sentence with personal data, 1 in 60 of a marking line before it, and on average one planted list
    word per ``characters_per_word`` characters, drawn from the first ``planted_share`` of the list."""
    rng = random.Random(seed)
    planted = words[: max(1, int(len(words) * planted_share))]
    filler = _Filler(rng)
    target = int(megabytes * 1_000_000)
    paragraphs: list[str] = []
    size = 0
    while size < target:
        sentences = [filler.sentence() for _ in range(rng.randint(3, 8))]
        if rng.random() < 1 / 6:
            sentences.insert(rng.randrange(len(sentences) + 1), filler.personal_sentence())
        text = "".join(sentences)
        for _ in range(int(len(text) / characters_per_word + rng.random())):
            cut = rng.randrange(len(text))
            text = text[:cut] + rng.choice(planted) + text[cut:]
        if rng.random() < 1 / 60:
            paragraphs.append(rng.choice(MARKING_LINES))
        paragraphs.append("　　" + text)
        size += len(text.encode()) + 7
    return "\n".join(paragraphs)
