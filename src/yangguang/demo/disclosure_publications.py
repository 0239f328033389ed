"""The demo county's proactive disclosure: what each organ publishes over the period, and how.

Candidates are generated first (budgets and final accounts of every organ, policy documents with their
document numbers, penalty and enforcement decisions, plans, statistics, procurement, personnel and
service notices), then sampled to the build's size. Each item is then driven through
:mod:`yangguang.disclosure.service.publications` by the organ's disclosure staff: draft, submit,
confidentiality review, publication. About one in twenty carries something that must not be published
(a resident ID or mobile number, an internal-only marking, a word of the county's list): the reviewer
rejects it, the drafter removes it, the item is reviewed again. A few are published after the 20
working days [条例 Art. 26] and the morning sweep cards them; some normative documents are repealed later.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from yangguang.demo.people import REGION, person_name
from yangguang.demo.simulation import Simulation, company
from yangguang.disclosure.codes import DocumentType
from yangguang.disclosure.personal_numbers import id_check_character
from yangguang.disclosure.service import publications as pubs

# organs that do not publish government information (public enterprises) or have nothing of their own
NOT_PUBLISHING = {"GDGS", "ZLS", "RQ", "YZ", "JW"}
ABBREVIATIONS = {  # the organ's short form in its document numbers
    "FGJ": "发改", "JXJ": "经信", "JYJ": "教", "KJJ": "科", "MZZJJ": "民宗", "GAJ": "公", "MZJ": "民", "SFJ": "司",
    "CZJ": "财", "RSJ": "人社", "ZRZYJ": "自然资源", "STHJ": "环", "ZJJ": "建", "JTJ": "交", "SLJ": "水", "NYJ": "农",
    "SHWJ": "商务", "WGLTJ": "文广旅体", "WJJ": "卫健", "TYJRJ": "退役军人", "YJJ": "应急", "SJJ": "审", "SCJ": "市监",
    "TJJ": "统", "YBJ": "医保", "LYJ": "林", "ZHZFJ": "综合执法", "RFB": "人防", "QXJ": "气", "XFJY": "消",
    "SWJ": "税", "YCJ": "烟草", "BDC": "不动产", "GJJ": "公积金", "DAG": "档", "ZWZX": "政务服务", "CLH": "残联",
}
ENFORCERS = {  # organs deciding penalties, with the matters they decide
    "SCJ": ["销售不符合食品安全标准的食品", "未取得食品经营许可从事食品经营", "虚假宣传", "销售过期食品",
            "未按规定进行计量器具检定"],
    "ZHZFJ": ["擅自占用城市道路", "未经批准设置户外广告", "违法建设", "随意倾倒建筑垃圾", "占道经营"],
    "STHJ": ["超标排放大气污染物", "未批先建", "未按规定贮存危险废物", "噪声超标", "未依法取得排污许可证排污"],
    "YJJ": ["未按规定开展安全生产教育和培训", "未建立事故隐患排查治理制度", "特种作业人员未持证上岗"],
    "WJJ": ["医疗机构使用非卫生技术人员", "公共场所未取得卫生许可证", "未按规定处置医疗废物"],
    "JTJ": ["道路运输车辆超限运输", "未取得道路运输经营许可从事经营", "出租汽车巡游车拒载"],
    "ZRZYJ": ["非法占用土地", "未经批准擅自开采矿产资源"],
    "NYJ": ["经营假劣农药", "违规使用禁用兽药", "非法捕捞"],
    "XFJY": ["消防设施未保持完好有效", "占用疏散通道", "埋压、圈占消火栓"],
    "SWJ": ["未按规定期限办理纳税申报", "未按规定开具发票"],
    "LYJ": ["滥伐林木", "非法运输木材"],
}
TOWNS = ["青溪镇", "龙潭镇", "石门镇", "桃源乡", "白沙镇", "柳塘乡", "云岭镇", "东坞乡", "横山镇", "双河乡", "南屏镇"]
ROADS = ["人民路", "青山大道", "解放街", "滨江路", "朝阳路", "建设路", "文昌路", "工业大道", "兴业路"]
SENSITIVE_WORDS = [
    "维稳经费", "涉稳人员", "重点信访人员", "缠访闹访", "群体性事件处置预案", "舆情管控", "负面舆情", "内部掌握",
    "内部传阅", "暂不对外", "严禁外传", "送审稿", "讨论稿", "会议纪要", "领导批示", "口头指示", "打招呼",
    "特殊照顾", "关系户", "内定人选", "突击花钱", "小金库", "账外资金", "白条抵库", "回扣", "好处费", "收受红包",
    "请托事项", "封口费", "删帖", "控评", "重点管控对象", "精神障碍患者名单", "吸毒人员名单", "刑满释放人员名单",
    "社区矫正对象名单", "艾滋病感染者", "低保对象身份证", "未成年人真实姓名", "涉密载体", "保密要害部位",
    "应急物资储备点位", "重要目标防护", "人防工程坐标", "监控点位分布", "枪支弹药", "警力部署", "专案组",
    "线索来源", "举报人信息", "核酸阳性人员名单",
]


@dataclass
class Candidate:
    unit: str
    category: str
    title: str
    body: str
    formed_on: date
    document_type: str = DocumentType.OTHER.value
    number: str = ""
    subject_words: str = ""
    repeal: bool = False
    finding: str = ""  # what the first draft carries that must not be published
    late: bool = False
    stop_before: str = ""  # a recent item left mid-way: "draft", "in_review", "approved"


@dataclass
class PublicationStats:
    rejected_then_fixed: int = 0
    late: int = 0  # published after the 20 working days
    by_finding: dict[str, int] = field(default_factory=dict)  # drafts rejected, by what the reviewer caught


def short(unit_name: str) -> str:
    return unit_name.removeprefix("国家税务总局").removeprefix("青山县")


def credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return f"91{REGION}" + "".join(rng.choice(alphabet) for _ in range(10))


def resident_id(rng: random.Random) -> str:
    born = date(1958, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    first17 = f"{REGION}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_character(first17)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10)}{rng.randrange(10**8):08d}"


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Catalogue:
    """Generates the candidate items of the period for the publishing organs."""

    def __init__(self, rng: random.Random, units: dict[str, str], workdays: list[date]) -> None:
        self.rng, self.units, self.days = rng, units, workdays
        self.numbers: dict[tuple[str, int, str], int] = {}
        self.items: list[Candidate] = []

    def day_between(self, first: date, last: date) -> date:
        choices = [d for d in self.days if first <= d <= last]
        return self.rng.choice(choices)

    def number(self, code: str, year: int, kind: str) -> str:
        key = (code, year, kind)
        self.numbers[key] = self.numbers.get(key, 0) + self.rng.randint(1, 3)
        return f"青{ABBREVIATIONS.get(code, '')}{kind}〔{year}〕{self.numbers[key]}号"

    def add(self, code: str, category: str, title: str, body: str, formed_on: date, **kw) -> None:
        self.items.append(Candidate(code, category, title, body, formed_on, **kw))

    def build(self) -> list[Candidate]:
        for code in sorted(self.units):
            self.budgets(code)
            self.functions(code)
        for _ in range(70):
            self.normative()
        for _ in range(95):
            self.notice()
        for code, matters in sorted(ENFORCERS.items()):
            if code in self.units:
                for _ in range(16 if code in ("SCJ", "ZHZFJ") else 9):
                    self.penalty(code, self.rng.choice(matters))
                for _ in range(4 if code in ("SCJ", "ZHZFJ", "STHJ") else 1):
                    self.enforcement(code, self.rng.choice(matters))
        self.regulations()
        self.routine()
        self.items.sort(key=lambda c: (c.formed_on, c.unit, c.title))
        return self.items

    # -- what every organ publishes ------------------------------------------------------------------
    def budgets(self, code: str) -> None:
        name = self.units[code]
        for year in (2025, 2026):
            day = self.day_between(date(year, 2, 10), date(year, 3, 20))
            self.add(code, "08", f"{name}{year}年部门预算", (
                f"根据《中华人民共和国预算法》及县财政局关于公开{year}年部门预算的通知要求，现将{name}{year}年部门预算"
                f"公开如下。\n\n一、部门基本情况\n{name}内设科室、所属事业单位及人员编制情况详见附表"
                f"。\n\n二、收支预算总体情况\n"
                f"{year}年收入预算{self.rng.randint(300, 9000) / 10:.1f}万元，全部为一般公共预算财政"
                f"拨款；支出预算与收入预算"
                "相等，其中基本支出主要用于保障机构正常运转，项目支出主要用于履行部门职能。\n\n三、“三公”经费预算情况\n"
                "严格执行中央八项规定精神，“三公”经费预算较上年持平或下降。\n\n四、名词解释及附表（略）"),
                day, subject_words="财政 预算 公开")
            if year == 2025:
                day = self.day_between(date(year, 8, 1), date(year, 9, 15))
                self.add(code, "08", f"{name}{year - 1}年度部门决算", (
                    f"根据县财政局统一部署，现将{name}{year - 1}年度部门决算公开如下。\n\n一、收入支出决算总体情况\n"
                    f"{year - 1}年度收入合计{self.rng.randint(300, 9000) / 10:.1f}万元，支出合计与收入基本持平，"
                    "年末结转和结余主要为跨年度实施的项目资金。\n\n二、“三公”经费支出情况\n"
                    "“三公”经费支出控制在预算以内，公务接待严格执行接待标准。\n\n三、绩效评价情况\n"
                    "对重点项目开展了绩效自评，评价结果良好。"), day, subject_words="财政 决算 公开")

    def functions(self, code: str) -> None:
        name = self.units[code]
        day = self.day_between(date(2025, 1, 6), date(2025, 4, 30))
        self.add(code, "01", f"{name}机构职能", (
            f"{name}是县人民政府工作部门（或县域内依法履行公共管理职能的机构），主要职责是：贯彻执行国家、省、市有关"
            f"{short(name)}工作的方针政策和法律法规，拟订全县相关规划和政策措施并组织实施；负责本领域的行政许可、"
            "行政检查等工作；完成县委、县政府交办的其他任务。\n\n办公地址：青山县" + self.rng.choice(ROADS)
            + f"{self.rng.randint(1, 300)}号\n办公时间：工作日上午8:30—12:00，下午14:30—17:30"), day,
            subject_words="机构 职能")

    # -- policy documents -------------------------------------------------------------------------
    def normative(self) -> None:
        code = self.rng.choice(sorted(self.units))
        name = self.units[code]
        topic = self.rng.choice([
            "专项资金管理办法", "行政裁量权基准", "补助资金使用管理实施细则", "评审管理办法", "奖励扶持办法",
            "行政执法公示实施办法", "财政奖补资金管理办法", "信用分级分类监管办法", "审批服务规范"])
        day = self.day_between(date(2025, 1, 10), date(2026, 10, 30))
        number = self.number(code, day.year, "规")
        title = f"关于印发《青山县{short(name).removesuffix('局')}{topic}》的通知"
        body = (f"各乡镇人民政府，县直各有关单位：\n\n《青山县{short(name).removesuffix('局')}{topic}》已经县政府同意，"
                "现印发给你们，请认真贯彻执行。\n\n第一条 为规范管理，提高行政效能，根据有关法律法规"
                "规定，结合本县实际，"
                "制定本办法。\n第二条 本办法适用于本县行政区域内的相关管理活动。\n第三条 县有关部门按照职责分工做好"
                f"相关工作。\n……\n第二十条 本办法自{_cn(day + timedelta(days=30))}起施行，有效期五年"
                f"。\n\n{name}\n{_cn(day)}")
        self.add(code, "02", title, body, day, document_type=DocumentType.NORMATIVE.value, number=number,
                 subject_words="规范性文件 管理办法", repeal=day.year == 2025 and self.rng.random() < 0.18)

    def regulations(self) -> None:
        """A few 规章 transmitted for implementation (a county has no rule-making power of its own; the
        demo keeps the annual report's 规章 row non-empty)."""
        for n, (code, title) in enumerate((("SFJ", "青山县行政规范性文件管理规定"), ("ZRZYJ", "青山县城乡规划管理办法"),
                                           ("ZJJ", "青山县物业管理办法")), start=1):
            if code in self.units:
                day = self.day_between(date(2025, 3, 1), date(2026, 6, 30))
                body = (f"《{title}》已经县人民政府常务会议审议通过，现予公布，自{_cn(day + timedelta(days=30))}"
                        f"起施行。"
                        "\n\n第一章 总则\n第一条 为了规范相关管理活动，维护公共利益，根据有关法律、法"
                        "规，制定本办法。\n……\n"
                        "第五章 附则\n第四十二条 本办法由县人民政府负责解释。")
                self.add(code, "02", title, body, day, document_type=DocumentType.REGULATION.value,
                         number=f"青山县人民政府令第{n}号", subject_words="规章 办法")

    def notice(self) -> None:
        code = self.rng.choice(sorted(self.units))
        name = self.units[code]
        day = self.day_between(date(2025, 1, 6), date(2026, 11, 18))
        topic = self.rng.choice([
            f"开展{day.year}年安全生产大检查", f"做好{day.year}年春节期间有关工作", "进一步优化营商环境",
            f"开展{day.year}年度“双随机、一公开”抽查", "加强汛期安全防范", "推进数字化改革", "开展政务服务“好差评”",
            "做好防汛防台工作", "开展“放心消费”创建", "加强冬春季森林防火"])
        self.add(code, "02", f"{name}关于{topic}的通知", (
            f"各有关单位：\n\n为深入贯彻落实县委、县政府决策部署，{name}决定{topic.removeprefix('开展').removeprefix('做好')}"
            "相关工作，现将有关事项通知如下：\n一、工作目标\n坚持问题导向，压实工作责任，确保各项任务落到实处。\n"
            "二、主要任务\n（一）全面排查；（二）限期整改；（三）建立长效机制。\n三、工作要求\n各单位"
            "要高度重视，明确专人负责，"
            f"于每月5日前报送工作进展。\n\n{name}\n{_cn(day)}"), day, number=self.number(code, day.year, ""),
            subject_words="通知 工作部署")

    # -- decisions ------------------------------------------------------------------------------------
    def penalty(self, code: str, matter: str) -> None:
        name = self.units[code]
        day = self.day_between(date(2025, 1, 6), date(2026, 11, 18))
        number = self.number(code, day.year, "罚")
        party = company(self.rng)
        amount = self.rng.choice([2000, 5000, 10000, 20000, 30000, 50000, 80000])
        self.add(code, "06", f"{name}行政处罚决定书（{number}）", (
            f"当事人：{party}\n统一社会信用代码：{credit_code(self.rng)}\n法定代表人：{person_name(self.rng)}\n\n"
            f"经查，当事人存在{matter}的违法行为。上述事实有现场检查笔录、询问笔录、相关照片等证据证实。\n"
            f"本机关依法责令当事人改正，并作出如下处罚：警告，罚款人民币{amount}元。\n当事人如不服本处罚决定，"
            "可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。\n\n"
            f"{name}\n{_cn(day)}"), day, number=number, subject_words="行政处罚 决定书")

    def enforcement(self, code: str, matter: str) -> None:
        name = self.units[code]
        day = self.day_between(date(2025, 1, 6), date(2026, 11, 18))
        number = self.number(code, day.year, "强")
        measure = self.rng.choice(["查封", "扣押", "强制拆除", "代履行"])
        self.add(code, "07", f"{name}行政强制决定书（{number}）", (
            f"当事人：{company(self.rng)}\n\n当事人涉嫌{matter}，为防止证据损毁、避免危害发生，根据有关法律规定，"
            f"本机关决定对其相关场所、设施或者财物实施{measure}，期限为三十日。\n当事人如不服本决定，"
            f"可以依法申请行政复议"
            f"或者提起行政诉讼。\n\n{name}\n{_cn(day)}"), day, number=number, subject_words="行政强制")

    # -- the rest of the catalogue --------------------------------------------------------------------
    def routine(self) -> None:
        rng, units = self.rng, sorted(self.units)

        def organ(*preferred: str) -> str:
            present = [c for c in preferred if c in self.units]
            return rng.choice(present) if present and rng.random() < 0.8 else rng.choice(units)

        if "TJJ" in self.units:
            month = date(2025, 1, 1)
            while month < date(2026, 11, 1):
                day = self.day_between(month + timedelta(days=14), month + timedelta(days=27))
                last = (month - timedelta(days=1))
                self.add("TJJ", "04", f"{last.year}年{last.month}月青山县主要经济指标", (
                    f"{last.year}年1—{last.month}月，全县规模以上工业增加值同比增长{rng.randint(30, 95) / 10:.1f}%，"
                    f"固定资产投资同比增长{rng.randint(-20, 90) / 10:.1f}%，社会消费品零售总额同比增长"
                    f"{rng.randint(20, 80) / 10:.1f}%。全县经济运行总体平稳、稳中有进。\n\n注：部分数"
                    f"据为初步统计数。"), day,
                    subject_words="统计 经济指标")
                month = (month + timedelta(days=32)).replace(day=1)
        simple = [
            (38, "03", ("FGJ", "ZRZYJ", "JTJ", "SLJ", "NYJ"), lambda y: rng.choice([
                f"青山县{y}年{rng.choice(['重点项目', '农村公路建设', '水利建设', '高标准农田建设', '产业发展'])}计划",
                f"青山县“十五五”{rng.choice(['综合交通', '水安全保障', '乡村振兴', '生态环境保护', '教育事业'])}"
                f"发展规划（征求意见）",
                f"{y}年上半年工作总结和下半年工作思路"]),
             "为统筹推进相关工作，根据县委、县政府工作部署，结合全县实际，制定本计划（规划）。\n一、"
             "总体要求\n二、主要目标\n"
             "三、重点任务\n四、保障措施\n各乡镇、各部门要按照职责分工抓好落实。"),
            (45, "05", ("SCJ", "ZJJ", "WJJ", "JYJ", "ZRZYJ", "ZWZX"), lambda y: (
                f"行政许可决定公示（{y}年第{rng.randint(1, 40)}期）"),
             "根据《中华人民共和国行政许可法》第四十条，现将本期作出的准予行政许可决定予以公示：\n"
             "1. 食品经营许可（新办）若干件；\n2. 建筑工程施工许可若干件；\n3. 其他许可若干件。\n详细"
             "信息可在本平台办件查询中查看。"),
            (12, "09", ("CZJ", "FGJ", "BDC", "JYJ"), lambda y: f"青山县{y}年行政事业性收费项目目录清单",
             "根据省财政厅、省发展改革委有关文件，现将本县继续保留的行政事业性收费项目目录清单予以公"
             "布。清单之外的行政事业性收费"
             "一律不得收取。欢迎社会各界监督。"),
            (60, "10", ("CZJ", "JYJ", "WJJ", "JTJ", "ZJJ", "SLJ"), lambda y: rng.choice([
                f"{rng.choice(TOWNS)}{rng.choice(PROCUREMENTS)}{rng.choice(NOTICES)}"]),
             "一、项目基本情况\n采购方式：公开招标\n预算金额：详见招标文件\n二、获取招标文件\n时间："
             "公告发布之日起5个工作日\n"
             "地点：青山县公共资源交易中心\n三、联系方式\n采购人联系电话：0571-8" + f"{rng.randrange(10**6):06d}"),
            (32, "11", ("RSJ", "JYJ", "WJJ"), lambda y: rng.choice([
                f"青山县{y}年公开招聘事业单位工作人员公告", f"青山县{y}年公开招聘中小学教师拟聘用人员公示",
                f"{y}年度县管干部任前公示"]),
             "经研究，现将有关事项公告（公示）如下。公示期为5个工作日。公示期间，如有异议，可通过来信"
             "、来电、来访等方式向县委组织部"
             "或县人力资源和社会保障局反映。反映问题要实事求是，并提供必要的调查核实线索。"),
            (30, "12", ("FGJ", "ZJJ", "JTJ", "SLJ", "ZRZYJ"), lambda y: (
                f"{rng.choice(TOWNS)}{rng.choice(PROJECTS)}"
                f"项目{rng.choice(['批准服务信息', '招标投标信息', '征收土地信息', '竣工验收信息'])}"),
             "根据《国务院办公厅关于推进重大建设项目批准和实施领域政府信息公开的意见》要求，现将项目"
             "有关信息公开如下：项目名称、"
             "建设单位、建设地点、建设规模及主要内容、总投资、审批（核准、备案）文号等。"),
            (58, "13", ("MZJ", "RSJ", "YBJ", "WJJ", "JYJ", "CLH", "TYJRJ"), lambda y: rng.choice([
                f"{y}年{rng.randint(1, 12)}月城乡低保资金发放情况", f"青山县{y}年城乡居民医保参保缴费的通告",
                f"{y}年秋季学期义务教育招生工作方案", "困难残疾人生活补贴和重度残疾人护理补贴申领指南",
                f"{y}年度退役士兵安置公告"]),
             "为进一步做好民生保障工作，现将有关事项告知如下：\n一、对象范围\n二、办理流程：申请人可"
             "在户籍所在地乡镇（街道）便民服务中心"
             "或通过“浙里办”提交申请。\n三、咨询电话：详见各乡镇便民服务中心公示。"),
            (10, "14", ("YJJ", "WJJ", "SLJ", "QXJ"), lambda y: rng.choice([
                f"关于启动防汛Ⅳ级应急响应的通知（{y}年）", f"{y}年第{rng.randint(1, 9)}号台风防御工作情况通报",
                "青山县突发公共卫生事件应急预案"]),
             "根据气象部门预报和防汛形势，经县防指研究，决定启动应急响应。各乡镇、各部门要立即进入应"
             "急状态，落实24小时值班制度，"
             "加强巡查检查，确保人民群众生命财产安全。"),
            (20, "15", (), lambda y: rng.choice([
                f"{y}年度政务公开工作要点", "关于公布政府信息公开工作机构及联系方式的公告", f"{y}年度"
                                                            f"法治政府建设情况报告"]),
             "根据政务公开工作要求，现将有关情况予以公开。\n一、主要工作\n二、存在问题\n三、下一步打算"),
        ]
        for count, category, preferred, title_of, body in simple:
            for _ in range(count):
                code = organ(*preferred)
                day = self.day_between(date(2025, 1, 6), date(2026, 11, 18))
                title = title_of(day.year)
                if category in ("03", "11", "13", "14", "15") and not title.startswith("青山县"):
                    title = f"{short(self.units[code])}{title}" if category == "15" else title
                self.add(code, category, title, body, day, subject_words=CATEGORY_WORDS[category])


PROCUREMENTS = ["道路提升改造工程", "中心小学教学楼维修工程", "卫生院设备采购项目", "污水管网改造工程"]
NOTICES = ["采购公告", "中标结果公告", "合同公告"]
PROJECTS = ["综合交通枢纽", "城市防洪排涝", "安置小区", "文体中心", "产业园区基础设施"]
CATEGORY_WORDS = {"03": "规划 计划", "05": "行政许可 公示", "09": "收费 目录清单", "10": "政府采购 公告",
                  "11": "人事 招聘 公示", "12": "重大建设项目", "13": "公共服务 民生", "14": "应急 突发事件",
                  "15": "政务公开"}


def plan(rng: random.Random, units: dict[str, str], workdays: list[date], size: int, last_day: date) -> list[Candidate]:
    """``size`` items of the period (sampled from the full catalogue when smaller), with their findings,
    lateness and, for the last days of the period, the step they have reached."""
    candidates = Catalogue(rng, units, workdays).build()
    if size < len(candidates):
        candidates = sorted(rng.sample(candidates, size), key=lambda c: (c.formed_on, c.unit, c.title))
    kinds = ["id_number", "mobile", "internal_mark", "sensitive_word"]
    flagged = rng.sample(range(len(candidates)), max(len(kinds), round(len(candidates) * 0.05)))
    for n, index in enumerate(flagged):
        candidates[index].finding = kinds[n % len(kinds)]
    ordinary = [c for c in candidates if not c.finding and c.formed_on < last_day - timedelta(days=60)]
    for late in rng.sample(ordinary, max(2, round(len(candidates) * 0.02))):
        late.late = True
    for c in candidates:
        if c.formed_on > last_day - timedelta(days=6) and not c.late:
            c.stop_before = rng.choice(["", "", "draft", "in_review", "approved"])
    return candidates


def with_finding(c: Candidate, rng: random.Random) -> tuple[str, str]:
    """The first draft's title and body: the clean text with what the reviewer must catch."""
    name = person_name(rng)
    if c.finding == "id_number":
        return c.title, c.body + f"\n\n经办人：{name}，身份证号码：{resident_id(rng)}"
    if c.finding == "mobile":
        return c.title, c.body + f"\n\n如有疑问，请联系经办人{name}，手机{mobile(rng)}。"
    if c.finding == "internal_mark":
        return c.title, "内部资料 注意保存\n\n" + c.body
    word = rng.choice(SENSITIVE_WORDS)
    return c.title, c.body + f"\n\n（附：{word}相关情况另行报送。）"


REJECTIONS = {
    "id_number": "正文含未经处理的公民身份号码，属于个人信息，须删除或去标识化后重新提交。",
    "mobile": "正文含经办人个人手机号码，请删除或改为单位办公电话后重新提交。",
    "internal_mark": "文稿标有“内部资料”，请核实是否属于主动公开范围；如可公开，删除内部标识后重新提交。",
    "sensitive_word": "正文含敏感词表所列内容，不宜公开，请删除相关表述后重新提交。",
}


class PublicationRun:
    """One item's way from draft to the catalogue, each act scheduled after the previous one ran."""

    def __init__(self, sim: Simulation, c: Candidate, unit_id: int, stats: PublicationStats,
                 last_moment: datetime) -> None:
        self.sim, self.c, self.unit_id, self.stats, self.rng = sim, c, unit_id, stats, sim.rng
        self.drafter = sim.staff.pick(self.rng, unit_id, "disclosure")
        self.last_moment = last_moment
        self.id = 0

    def reviewer(self):
        office = self.sim.staff.by_unit_role.get((self.unit_id, "disclosure"), [])
        others = [p for p in office if p.id != self.drafter.id]
        others += self.sim.staff.by_unit_role.get((self.unit_id, "unit_head"), [])
        return self.rng.choice(others)

    def start(self) -> None:
        forgotten = self.c.late and self.rng.random() < 0.5  # drafted after the 20 working days
        lag = self.rng.randint(21, 26) if forgotten else self.rng.choice([0, 0, 1, 1, 2, 3])
        moment = self.sim.office_moment(self.sim.calendar.add_workdays(self.c.formed_on, lag))
        self.sim.schedule(moment, self.draft)

    def later(self, at: datetime, days: int, action) -> None:
        moment = self.sim.after_workdays(at, days)
        if moment < self.last_moment:
            self.sim.schedule(moment, action)

    def draft(self, session: Session, at: datetime) -> None:
        title, body = with_finding(self.c, self.rng) if self.c.finding else (self.c.title, self.c.body)
        item = pubs.create_draft(session, self.drafter, title=title, category=self.c.category,
                                 formed_on=self.c.formed_on, body=body, document_type=self.c.document_type,
                                 document_number=self.c.number, subject_words=self.c.subject_words, at=at)
        self.id = item.id
        if self.c.stop_before != "draft":
            self.sim.schedule(at + timedelta(minutes=self.rng.randint(10, 90)), self.submit)

    def submit(self, session: Session, at: datetime) -> None:
        pubs.submit_for_review(session, self.drafter, self.id, at=at)
        if self.c.stop_before != "in_review":
            slow = self.c.late and self.sim.calendar.workdays_between(self.c.formed_on, at.date()) < 20
            self.later(at, self.rng.randint(21, 25) if slow else self.rng.choice([0, 0, 1, 1, 2]), self.review)

    def review(self, session: Session, at: datetime) -> None:
        found = pubs.scan_publication(session, self.id, today=at.date())
        if found.findings and self.c.finding:
            pubs.review(session, self.reviewer(), self.id, verdict="reject", reasons=REJECTIONS[self.c.finding], at=at)
            self.stats.by_finding[self.c.finding] = self.stats.by_finding.get(self.c.finding, 0) + 1
            self.later(at, self.rng.choice([0, 1, 1, 2]), self.fix)
            return
        reasons = ""
        if found.findings or found.near_misses:
            reasons = "经核查，所涉内容为单位名称、办公电话或已公开信息，不属于不宜公开的内容，同意公开。"
        pubs.review(session, self.reviewer(), self.id, verdict="approve", reasons=reasons, at=at)
        if self.c.stop_before != "approved":
            self.later(at, self.rng.choice([0, 0, 0, 1]), self.publish)

    def fix(self, session: Session, at: datetime) -> None:
        pubs.update_draft(session, self.drafter, self.id, title=self.c.title, body=self.c.body, at=at)
        self.c.finding = ""
        self.stats.rejected_then_fixed += 1
        self.sim.schedule(at + timedelta(minutes=self.rng.randint(5, 40)), self.submit)

    def publish(self, session: Session, at: datetime) -> None:
        pubs.publish(session, self.drafter, self.id, at=at)
        if self.sim.calendar.workdays_between(self.c.formed_on, at.date()) > pubs.PROACTIVE_WORKDAYS:
            self.stats.late += 1
        if self.c.repeal:
            day = self.sim.calendar.next_workday_on_or_after(
                max(at.date() + timedelta(days=120), date(2026, 3, 1)) + timedelta(days=self.rng.randrange(200)))
            moment = self.sim.office_moment(day)
            if moment < self.last_moment:
                self.sim.schedule(moment, self.repeal)

    def repeal(self, session: Session, at: datetime) -> None:
        pubs.repeal(session, self.reviewer(), self.id, at.date(), at=at)

    def withdraw(self, session: Session, at: datetime) -> None:
        item = pubs.get_publication(session, self.id)
        if item.state == "published":
            pubs.withdraw(session, self.reviewer(), item, "与已发布信息重复，予以撤回", at=at)
