"""The demo county's applications for government information (依申请公开) and the remedies against them.

An *outcome plan* (every outcome of 条例 Art. 36 at least once, the rest drawn with realistic weights:
mostly disclosed, partly disclosed, not held, already public) decides how each request ends; each is then
driven through :mod:`yangguang.disclosure.service.applications` by the organ's disclosure staff: receipt
by every channel [Art. 31], the correction notice [Art. 30] (some never answered), consultation of third
parties and co-making organs [Arts. 32, 34], a few extensions [Art. 33], fees by both methods — one
applicant files more than ten requests in a month so the per-request fee applies [国办函〔2020〕109号] —,
the reply, and a few replies after the deadline so the morning sweep cards them. Some replies are taken
to administrative review or to court (section 四 of the annual report).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from yangguang.demo.disclosure_publications import TOWNS, mobile, resident_id
from yangguang.demo.people import person_name
from yangguang.demo.simulation import Simulation, company
from yangguang.disclosure.codes import OUTCOMES
from yangguang.disclosure.models import Remedy
from yangguang.disclosure.service import applications as foi

WEIGHTS = {  # relative frequency of each outcome
    "disclosed": 30, "already_public": 14, "partly_disclosed": 12, "unavailable.not_held": 16,
    "unavailable.not_this_organ": 6, "unavailable.must_create": 3, "unavailable.still_unclear": 1.5,
    "withheld.state_secret": 0.4, "withheld.law_forbids": 0.8, "withheld.three_safeties": 0.4,
    "withheld.third_party": 2, "withheld.internal_affairs": 1.5, "withheld.process_info": 2.5,
    "withheld.enforcement_file": 1.5, "withheld.query_matter": 2, "not_handled.petition": 2.5,
    "not_handled.repeat": 1.5, "not_handled.publication": 0.8, "not_handled.excessive": 0.4,
    "not_handled.confirm_or_reissue": 1, "other.no_correction": 2.5, "other.fee_unpaid": 0.5, "other.other": 1,
}
ORGANS = {"ZRZYJ": 14, "ZJJ": 12, "ZHZFJ": 6, "SCJ": 6, "RSJ": 6, "FGJ": 5, "CZJ": 5, "JYJ": 5, "GAJ": 4, "MZJ": 4,
          "NYJ": 4, "STHJ": 4, "BDC": 4, "JTJ": 3, "WJJ": 3}
PREFERRED = {"withheld.state_secret": ("RFB", "GAJ"), "withheld.query_matter": ("BDC", "SCJ"),
             "withheld.enforcement_file": ("ZHZFJ", "SCJ", "STHJ"), "withheld.three_safeties": ("GAJ",),
             "withheld.law_forbids": ("GAJ", "SWJ", "TJJ")}
CHANNELS = [("in_person", 22), ("post_signed", 20), ("post_ordinary", 6), ("online", 46), ("fax", 6)]
KINDS = [("natural_person", 82), ("commercial", 11), ("research", 2), ("public_interest", 1.5),
         ("legal_service", 2.5), ("other_org", 1)]
ORG_NAMES = {"research": ["浙江农林大学乡村振兴研究院", "省社会科学院公共政策研究所", "青山县委党校课题组"],
             "public_interest": ["青山县绿水环保公益服务中心", "青山县夕阳红志愿者协会"],
             "legal_service": ["浙江青山律师事务所", "浙江明理律师事务所青山分所", "青山县法律援助中心"],
             "other_org": ["青山县青溪镇东坞村股份经济合作社", "青山县个体劳动者协会"]}
TOPICS = {
    "ZRZYJ": ["{town}{village}村集体土地征收的征地批复文件、征地补偿安置方案",
              "{town}国土空间总体规划（2021—2035年）批复文件",
              "{town}{village}村宅基地审批台账（本人户）"],
    "ZJJ": ["{road}旧城改造项目房屋征收决定、补偿方案及社会稳定风险评估结论", "{town}安置小区项目竣工验收备案表",
            "本人所住小区物业专项维修资金使用情况"],
    "ZHZFJ": ["对{road}某建筑作出的违法建设认定及处理决定", "{road}占道经营整治工作方案"],
    "SCJ": ["{company}的食品经营许可证核发材料", "对{company}抽检不合格食品的处理结果"],
    "RSJ": ["2025年度事业单位公开招聘考试成绩及拟聘用人员名单", "{company}劳动保障监察案件的处理结果"],
    "FGJ": ["{town}产业园区基础设施项目可行性研究报告批复", "全县政府投资项目年度计划"],
    "CZJ": ["2024年度县级农业专项资金分配及使用情况", "{town}农村公路养护资金拨付明细"],
    "JYJ": ["县城区义务教育学校学区划分方案", "{town}中心小学校舍改造项目资金使用情况"],
    "GAJ": ["本人交通事故认定书所依据的道路监控设置审批文件", "{town}派出所辖区治安巡逻经费预算"],
    "MZJ": ["{town}{village}村最低生活保障对象审核审批程序规定", "养老服务补贴发放标准"],
    "NYJ": ["{town}高标准农田建设项目验收资料", "耕地地力保护补贴发放名册（本村）"],
    "STHJ": ["{company}建设项目环境影响评价批复", "{town}污水处理厂在线监测数据"],
    "BDC": ["{town}某房屋的不动产登记簿信息", "不动产登记收费标准及依据"],
    "JTJ": ["{town}至县城公路改建工程的立项批复及招标文件", "城区公交线路调整方案"],
    "WJJ": ["{town}卫生院医疗纠纷处理情况", "全县二级以上医疗机构名单"],
}
SPECIAL_CONTENT = {
    "not_handled.petition": "反映{company}长期拖欠本人工资，要求贵单位依法查处并答复处理结果",
    "not_handled.publication": "要求提供《青山县志（2011—2020）》纸质版一套",
    "not_handled.confirm_or_reissue": "要求对本人已取得的房屋征收补偿协议的真实性予以确认，并重新出具加盖公章的复印件",
    "withheld.state_secret": "县域人民防空工程布局及指挥所位置图",
    "withheld.three_safeties": "{town}重点区域治安防控力量部署方案",
    "withheld.internal_affairs": "贵单位2025年内部考勤管理制度及中层干部考核结果",
    "withheld.process_info": "{road}改造项目的局长办公会议讨论记录和向县政府的请示",
    "withheld.enforcement_file": "对{company}行政处罚案件的全部案卷材料（含询问笔录、证据材料）",
    "withheld.query_matter": "{company}的工商登记档案",
    "unavailable.must_create": "近十年全县各乡镇每年新增企业数量的统计分析报告",
    "not_handled.excessive": "贵单位近二十年来制发的全部文件目录及全文",
    "other.other": "请告知贵单位办公楼的建设审批情况（申请人在答复前撤回申请）",
}
REASONS = {
    "partly_disclosed": "所申请信息中含有第三方个人信息（身份证号码、联系方式等），已作区分处理后公开其余部分。",
    "withheld.state_secret": "经审查，所申请信息已依法确定为国家秘密，不予公开。",
    "withheld.law_forbids": "所申请信息属于《中华人民共和国统计法》规定应当保密的单个统计调查对象资料，依法不予公开。",
    "withheld.three_safeties": "所申请信息公开后可能危及公共安全和社会稳定，不予公开。",
    "withheld.third_party": "经书面征求第三方意见，第三方不同意公开且理由合理，公开会对其商业秘密造成损害，不予公开。",
    "withheld.internal_affairs": "所申请信息属于本机关人事管理和内部工作流程等内部事务信息，不予公开。",
    "withheld.process_info": ("所申请信息属于本机关在履行行政管理职能过程中形成的讨论记录、请示报告等过程性信息，"
                              "不予公开。"),
    "withheld.enforcement_file": "所申请信息属于行政执法案卷信息，不予公开；当事人可依法申请查阅案卷。",
    "withheld.query_matter": "所申请信息属于工商、不动产登记资料，请依照有关法律、行政法规的规定向登记机构申请查询。",
    "unavailable.not_held": "经检索本机关档案及业务系统，未找到申请人所描述的政府信息。",
    "unavailable.not_this_organ": "所申请信息不属于本机关负责公开，请向负责公开的机关提出申请。",
    "unavailable.must_create": "本机关没有现成的所申请信息，需要对现有信息进行加工、分析，不予提供。",
    "unavailable.still_unclear": "经补正后，申请内容仍无法指向特定的政府信息。",
    "not_handled.excessive": "申请人申请公开的数量明显超过合理范围，经要求说明理由，申请人未能说明理由，不予处理。",
    "other.other": "申请人在本机关答复前书面撤回申请，本机关终止办理。",
}
RIGHT_ORGANS = ["青山县人民政府办公室", "青山县自然资源和规划局", "青山县住房和城乡建设局", "青山县财政局",
                "青山县公安局交通警察大队"]
VILLAGES = ["东坞", "上村", "山头", "桥头", "里洋", "大坪", "溪口", "枫树湾"]
ROADS = ["人民路", "解放街", "滨江路", "朝阳路", "建设路", "老街"]
CORRECTION_ITEMS = ["请明确所需信息的名称、文号或者便于查询的其他特征性描述",
                    "请说明所涉项目的具体名称、所在地点及大致形成时间",
                    "请补充提供申请人身份证明复印件"]


@dataclass
class Request:
    """One request and how it goes."""

    organ: str
    day: date  # the day it is handed in, posted or sent
    outcome: str
    channel: str
    kind: str
    correction: bool = False  # a correction notice is sent (answered unless the outcome is no_correction)
    consult: str = ""  # third_party | co_maker
    silent: bool = False  # the co-maker lets the 15 working days pass
    extend: bool = False
    fee: str = ""  # per_volume | per_request
    fee_paid: bool = True
    late: int = 0  # working days past the deadline of the reply
    triage_late: bool = False  # the 7 working days to decide on a correction notice pass
    remedy: list[tuple[str, str]] = field(default_factory=list)  # (kind, result)
    applicant: dict = field(default_factory=dict)
    content: str = ""


@dataclass
class ApplicationStats:
    corrections: int = 0
    abandoned: int = 0
    consultations: int = 0
    extensions: int = 0
    fees: dict[str, int] = field(default_factory=dict)  # by method


def outcome_plan(rng: random.Random, size: int) -> list[str]:
    """Every outcome at least once, the rest drawn with their weights, in random order."""
    codes = list(WEIGHTS)
    assert set(codes) == set(OUTCOMES), set(OUTCOMES) ^ set(codes)
    plan = codes + rng.choices(codes, [WEIGHTS[c] for c in codes], k=max(0, size - len(codes)))
    rng.shuffle(plan)
    return plan


def _applicant(rng: random.Random, kind: str) -> dict:
    if kind == "natural_person":
        name = person_name(rng)
        return {"applicant_name": name, "applicant_id_number": resident_id(rng), "contact_phone": mobile(rng),
                "contact_address": f"青山县{rng.choice(TOWNS)}{rng.choice(VILLAGES)}村"}
    name = company(rng) if kind == "commercial" else rng.choice(ORG_NAMES[kind])
    return {"applicant_name": name, "contact_phone": f"0571-8{rng.randrange(10**6):06d}",
            "contact_email": f"xxgk{rng.randrange(1000):03d}@example.com"}


def _content(rng: random.Random, organ: str, outcome: str) -> str:
    template = SPECIAL_CONTENT.get(outcome) or rng.choice(TOPICS.get(organ, TOPICS["CZJ"]))
    text = template.format(town=rng.choice(TOWNS), village=rng.choice(VILLAGES), road=rng.choice(ROADS),
                           company=company(rng))
    return text if text.startswith(("要求", "反映", "请")) else f"申请公开{text}"


def plan(rng: random.Random, organs: dict[str, int], heads: set[str], days: list[date], size: int) -> list[Request]:
    """``size`` requests (plus the frequent applicant's), their days spread over ``days``."""
    requests: list[Request] = []
    weighted = [(code, ORGANS.get(code, 1)) for code in sorted(organs)]
    for outcome in outcome_plan(rng, size):
        preferred = [c for c in PREFERRED.get(outcome, ()) if c in organs]
        organs_weighted = rng.choices([c for c, _ in weighted], [w for _, w in weighted])[0]
        organ = rng.choice(preferred) if preferred else organs_weighted
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        r = Request(organ, rng.choice(days), outcome, channel, kind)
        r.correction = outcome in ("other.no_correction", "unavailable.still_unclear") or rng.random() < 0.04
        if outcome == "withheld.third_party" or (outcome == "partly_disclosed" and rng.random() < 0.3):
            r.consult = "third_party"
        elif outcome == "disclosed" and rng.random() < 0.06:
            r.consult, r.silent = "co_maker", rng.random() < 0.4
        ordinary = outcome in ("disclosed", "partly_disclosed", "unavailable.must_create", "unavailable.not_held")
        r.extend = ordinary and organ in heads and rng.random() < 0.05
        if outcome == "other.fee_unpaid" or (outcome in ("disclosed", "partly_disclosed") and rng.random() < 0.03):
            r.fee, r.fee_paid = "per_volume", outcome != "other.fee_unpaid"
        requests.append(r)
    _cover(rng, requests, days, heads)
    requests.sort(key=lambda r: r.day)
    _remedies(rng, requests, days)
    requests += _frequent_applicant(rng, organs, days)
    for r in requests:
        if not r.applicant:
            r.applicant = _applicant(rng, r.kind)
        if not r.content:
            r.content = _content(rng, r.organ, r.outcome)
    requests.sort(key=lambda r: r.day)
    return requests


def _cover(rng: random.Random, requests: list[Request], days: list[date], heads: set[str]) -> None:
    """Whatever the size: every outcome, applicant kind and channel concluded well before the end, and a
    few replies late (some by more than five working days: red cards) or triaged late."""
    cutoff = [d for d in days if d < days[-1] - timedelta(days=60)]
    seen: set[str] = set()
    for r in requests:
        if r.outcome not in seen:
            seen.add(r.outcome)
            r.day = min(r.day, rng.choice(cutoff))
    for n, (kind, _w) in enumerate(KINDS):
        requests[n * 2].kind = kind
    for n, (channel, _w) in enumerate(CHANNELS):
        requests[n * 2 + 1].channel = channel
    plain = [r for r in requests if r.outcome in ("disclosed", "unavailable.not_held", "already_public")
             and not (r.extend or r.fee or r.consult or r.correction)]
    late = rng.sample(plain, min(len(plain), max(3, round(len(requests) * 0.025))))
    for n, r in enumerate(late):
        r.late = [2, 7][n % 2] if n < 2 else rng.choice([1, 2, 3, 6, 8])
        r.day = min(r.day, rng.choice(cutoff))
    rest = [r for r in plain if not r.late]
    for r in rng.sample(rest, min(len(rest), 2)):
        r.triage_late = True
    rest = [r for r in rest if r.outcome == "disclosed" and not r.triage_late]
    if not any(r.consult == "co_maker" for r in requests) and len(rest) >= 2:
        for r, silent in zip(rng.sample(rest, 2), (False, True), strict=True):
            r.consult, r.silent = "co_maker", silent
    if not any(r.extend for r in requests):
        for r in [r for r in rest if r.organ in heads and not r.consult][:2]:
            r.extend = True


def _remedies(rng: random.Random, requests: list[Request], days: list[date]) -> None:
    """About eight reviews and four lawsuits against adverse replies of the first eighteen months."""
    adverse = [r for r in requests if r.outcome.startswith(("withheld", "unavailable", "not_handled"))
               or r.outcome == "partly_disclosed"]
    early = [r for r in adverse if r.day < days[-1] - timedelta(days=150)]
    chosen = rng.sample(early, min(len(early), 10))
    plans = [[("review", "upheld")], [("review", "upheld")], [("review", "corrected")], [("review", "other")],
             [("review", "corrected")], [("review", "pending")],
             [("review", "upheld"), ("litigation_after_review", "upheld")],
             [("review", "upheld"), ("litigation_after_review", "pending")], [("litigation_direct", "upheld")],
             [("litigation_direct", "corrected")]]
    for r, remedies in zip(chosen, plans, strict=False):
        r.remedy = remedies


def _frequent_applicant(rng: random.Random, organs: dict[str, int], days: list[date]) -> list[Request]:
    """One applicant files thirteen requests in March 2026: from the eleventh on, the per-request fee."""
    march = [d for d in days if d.year == 2026 and d.month == 3]
    if len(march) < 13:
        return []
    applicant = _applicant(rng, "natural_person")
    outcomes = ["already_public", "disclosed", "unavailable.not_held", "disclosed", "already_public",
                "unavailable.not_this_organ", "disclosed", "unavailable.not_held", "partly_disclosed", "already_public",
                "disclosed", "other.fee_unpaid", "not_handled.repeat"]
    chosen_days = sorted(rng.sample(march, len(outcomes)))  # distinct days: the rank in the month is certain
    requests = []
    for n, (outcome, day) in enumerate(zip(outcomes, chosen_days, strict=True), start=1):
        organ = rng.choice([c for c in ("ZRZYJ", "ZJJ", "FGJ", "CZJ", "ZHZFJ") if c in organs] or sorted(organs))
        r = Request(organ, day, outcome, "in_person", "natural_person", applicant=applicant)
        if n >= 11 and outcome != "not_handled.repeat":
            r.fee, r.fee_paid = "per_request", outcome != "other.fee_unpaid"
        if outcome == "not_handled.repeat":
            r.content = requests[1].content = _content(rng, requests[1].organ, "disclosed")
            r.organ = requests[1].organ
        requests.append(r)
    return requests


class ApplicationRun:
    """One request's way from receipt to the reply (and beyond), each act scheduled after the previous."""

    def __init__(self, sim: Simulation, r: Request, unit_id: int, unit_name: str, stats: ApplicationStats) -> None:
        self.sim, self.r, self.unit_id, self.unit_name, self.stats = sim, r, unit_id, unit_name, stats
        self.rng = sim.rng
        self.number = ""
        self.used = 0  # working days counted on the reply clock so far (approximately)

    def staff(self):
        return self.sim.staff.pick(self.rng, self.unit_id, "disclosure")

    def start(self) -> None:
        moment = self.sim.office_moment(self.r.day)
        if self.r.channel == "online" and self.rng.random() < 0.3:  # in the evening
            moment = moment.replace(hour=self.rng.randint(19, 22))
        self.sim.schedule(moment, self.receive)

    def after(self, at: datetime, days: int, action, *, counted: bool = True) -> None:
        if counted:
            self.used += days
        self.sim.schedule(self.sim.after_workdays(at, days), action)

    # -- receipt [Art. 31] -------------------------------------------------------------------------
    def receive(self, session: Session, at: datetime) -> None:
        r, day = self.r, at.date()
        common = dict(unit=self.unit_name, applicant_kind=r.kind, content=r.content, **r.applicant,
                      delivery=self.rng.choice(["electronic", "electronic", "paper", "in_person"]))
        if r.channel == "online":
            app = foi.receive(session, None, channel="online", submitted_at=at, at=at, **common)
        elif r.channel == "post_signed":
            posted = at - timedelta(days=self.rng.randint(1, 4), hours=self.rng.randint(0, 5))
            app = foi.receive(session, self.staff(), channel="post_signed", submitted_at=posted, signed_for_on=day,
                              at=at, **common)
        elif r.channel == "post_ordinary":
            posted = at - timedelta(days=self.rng.randint(2, 6))
            app = foi.receive(session, self.staff(), channel="post_ordinary", submitted_at=posted, at=at, **common)
        else:
            app = foi.receive(session, self.staff(), channel=r.channel, submitted_at=at, at=at, **common)
        self.number = app.number
        if app.state == "awaiting_confirmation":
            self.after(at, self.rng.choice([0, 0, 1, 2]) if r.channel != "online" or at.hour < 17 else 1,
                       self.confirm, counted=False)
        else:
            self.received(at)

    def confirm(self, session: Session, at: datetime) -> None:
        foi.confirm_receipt(session, self.staff(), self.number, confirmed_on=at.date(), at=at)
        self.received(at)

    def received(self, at: datetime) -> None:
        if self.r.triage_late:
            self.after(at, self.rng.choice([8, 9]), self.clear)
        elif self.r.correction:
            self.after(at, self.rng.randint(1, 5), self.ask_correction)
        else:
            self.after(at, self.rng.choice([0, 0, 1, 1, 2]), self.clear)

    # -- triage and correction [Art. 30] ---------------------------------------------------------------
    def clear(self, session: Session, at: datetime) -> None:
        foi.accept_as_clear(session, self.staff(), self.number, at=at)
        self.next_step(at)

    def ask_correction(self, session: Session, at: datetime) -> None:
        deadline = self.sim.calendar.add_workdays(at.date(), 10)
        items = self.rng.sample(CORRECTION_ITEMS, self.rng.randint(1, 2))
        foi.request_correction(session, self.staff(), self.number, items=items, deadline=deadline, at=at)
        self.stats.corrections += 1
        if self.r.outcome == "other.no_correction":
            self.after(at, 10 + self.rng.randint(1, 3), self.abandon, counted=False)
        else:
            self.after(at, self.rng.randint(2, 8), self.corrected, counted=False)

    def abandon(self, session: Session, at: datetime) -> None:
        foi.abandon_uncorrected(session, self.staff(), self.number, at=at)
        self.stats.abandoned += 1
        self.concluded(at)

    def corrected(self, session: Session, at: datetime) -> None:
        foi.correction_received(session, self.staff(), self.number, on=at.date(), at=at)
        self.used = 0
        self.next_step(at)

    # -- consultation, extension, fee ----------------------------------------------------------------
    def next_step(self, at: datetime) -> None:
        r = self.r
        if r.consult:
            self.after(at, self.rng.randint(1, 3), self.consult)
        elif r.fee:
            self.after(at, self.rng.randint(1, 4), self.charge)
        elif r.extend:
            self.after(at, max(1, 17 - self.used), self.extend)
        else:
            self.reply_in(at, self.rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15]))

    def reply_in(self, at: datetime, days: int) -> None:
        late_by = 20 - self.used + self.r.late  # the reply period passes
        days = max(days, late_by) if self.r.late else max(0, min(days, 19 - self.used))  # else a day in hand
        self.after(at, days, self.reply)

    def consult(self, session: Session, at: datetime) -> None:
        party = company(self.rng) if self.r.consult == "third_party" else self.rng.choice(RIGHT_ORGANS)
        self.consultation = foi.consult(session, self.staff(), self.number, kind=self.r.consult, party=party, at=at)
        self.stats.consultations += 1
        wait = self.rng.randint(16, 17) if self.r.silent else self.rng.randint(4, 12)
        self.after(at, wait, self.answer, counted=False)

    def answer(self, session: Session, at: datetime) -> None:
        if self.r.silent:
            answer, reasons = "silent", ""
        elif self.r.consult == "third_party":
            answer = "object"
            reasons = "所涉信息包含本公司的经营数据和技术方案，属于商业秘密，公开将损害本公司合法权益。"
        else:
            answer, reasons = "agree", ""
        foi.record_consultation_answer(session, self.staff(), self.consultation, answer=answer, reasons=reasons, at=at)
        if self.r.extend:
            self.after(at, max(1, 17 - self.used), self.extend)
        else:
            self.reply_in(at, self.rng.randint(1, 5))

    def extend(self, session: Session, at: datetime) -> None:
        head = self.sim.staff.pick(self.rng, self.unit_id, "unit_head")
        days = self.rng.choice([10, 15, 20])
        foi.extend(session, head, self.number, days=days, reason="所申请信息涉及多个年度、数量较大，需调档检索核实",
                   at=at)
        self.stats.extensions += 1
        self.after(at, self.rng.randint(3, days - 2), self.reply)

    def charge(self, session: Session, at: datetime) -> None:
        pages = self.rng.randint(45, 260) if self.r.fee == "per_volume" else None
        deadline = self.sim.calendar.add_workdays(at.date(), 20)
        foi.charge_fee(session, self.staff(), self.number, method=self.r.fee, pages=pages, deadline=deadline, at=at)
        self.stats.fees[self.r.fee] = self.stats.fees.get(self.r.fee, 0) + 1
        if self.r.fee_paid:
            self.after(at, self.rng.randint(2, 10), self.paid, counted=False)
        else:
            self.after(at, 20 + self.rng.randint(1, 3), self.unpaid, counted=False)

    def paid(self, session: Session, at: datetime) -> None:
        foi.record_fee_paid(session, self.staff(), self.number, on=at.date(), at=at)
        self.reply_in(at, self.rng.randint(1, 4))

    def unpaid(self, session: Session, at: datetime) -> None:
        foi.fee_unpaid(session, self.staff(), self.number, at=at)
        self.concluded(at)

    # -- the reply [Art. 36] ----------------------------------------------------------------------------
    def reply(self, session: Session, at: datetime) -> None:
        outcome = self.r.outcome
        where = ""
        if outcome == "already_public":
            where = f"青山县人民政府门户网站“政府信息公开”栏目（{self.unit_name}）"
        known = outcome == "unavailable.not_this_organ" and self.rng.random() < 0.8  # else it cannot be determined
        right = self.rng.choice(RIGHT_ORGANS) if known else ""
        reason = REASONS.get(outcome, "")
        if outcome == "unavailable.not_this_organ" and right:
            reason = f"所申请信息由{right}制作或者保存，请向该机关提出申请。"
        foi.conclude(session, self.staff(), self.number, outcome=outcome, reason=reason, right_organ=right,
                     where_published=where, at=at)
        self.concluded(at)

    def concluded(self, at: datetime) -> None:
        if self.r.remedy:
            self.after(at, self.rng.randint(8, 35), self.file_remedy, counted=False)

    # -- remedies (section 四) -----------------------------------------------------------------------------
    def file_remedy(self, session: Session, at: datetime) -> None:
        kind, result = self.r.remedy.pop(0)
        filed = at.date() - timedelta(days=self.rng.randint(1, 6))
        year = filed.year
        if kind == "review":
            number = f"青政复〔{year}〕{self.rng.randint(3, 60)}号"
            note = "申请人不服答复，向县人民政府申请行政复议。"
        else:
            number = f"（{year}）浙0129行初{self.rng.randint(10, 180)}号"
            note = "申请人不服答复，向县人民法院提起行政诉讼。" if kind == "litigation_direct" else \
                "申请人不服行政复议决定，向县人民法院提起行政诉讼。"
        remedy = foi.record_remedy(session, self.staff(), application=self.number, kind=kind, filed_on=filed,
                                   case_number=number, note=note, at=at)
        remedy_id = remedy.id

        def decide(session: Session, at: datetime) -> None:
            foi.conclude_remedy(session, self.staff(), session.get(Remedy, remedy_id), result=result,
                                concluded_on=at.date(), at=at)
            if self.r.remedy:  # a lawsuit after the review
                self.after(at, self.rng.randint(5, 12), self.file_remedy, counted=False)

        if result != "pending":  # pending: still before the reviewing organ or the court
            self.after(at, self.rng.randint(30, 55), decide, counted=False)


__all__ = ["ApplicationRun", "ApplicationStats", "Request", "outcome_plan", "plan"]
