"""A year in the demo county's service hall, driven through the real services in time order.

Every act — acceptance, each step, pauses, extensions, fees, ratings, the supervision sweep every
morning, units answering their cards and supervisors reviewing rectifications — goes through the same
service functions a person or the web would call, at a simulated moment, so every deadline, card
and score in the demo comes from the real rules. A few scripted breaches (out-of-order and
unauthorised steps, an online-only item handled at a window, a refusal of a valid application, a
fee above the standard) make every monitoring point visible.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.approval import service as cases
from yangguang.approval.models import Case, Item
from yangguang.core.calendar import WorkCalendar, get_calendar
from yangguang.core.errors import YangguangError
from yangguang.demo.people import Staff, person_name
from yangguang.supervision import service as cards
from yangguang.supervision.models import Card
from yangguang.supervision.sweep import sweep

ZONE = ZoneInfo("Asia/Shanghai")
OPENS, CLOSES = time(9, 0), time(17, 30)
COMPANY_WORDS = ["鑫达", "瑞丰", "华源", "恒通", "青禾", "山水", "佳和", "宏远", "金穗", "润泽", "明轩", "百川"]
TRADES = ["餐饮管理", "建筑工程", "农业开发", "商贸", "物流", "科技", "旅游开发", "食品", "医药零售", "装饰工程"]
RATINGS = [("1", 70), ("2", 20), ("3", 6), ("4", 3), ("5", 1)]

Action = Callable[[Session, datetime], None]


def company(rng: random.Random) -> str:
    """A company's name in the county."""
    return f"青山县{rng.choice(COMPANY_WORDS)}{rng.choice(TRADES)}有限公司"


@dataclass
class Stats:
    received: int = 0
    incomplete: int = 0
    special_procedures: int = 0
    extensions: int = 0
    overcharged: int = 0
    refused_attempts: int = 0
    sweeps: int = 0
    cards_raised: int = 0
    scripted_breaches: list[str] = field(default_factory=list)


class Simulation:
    """An event queue of (moment, action); the day's actions run in one transaction."""

    def __init__(self, rng: random.Random, staff: Staff, calendar: WorkCalendar) -> None:
        self.rng, self.staff, self.calendar = rng, staff, calendar
        self.queue: list[tuple[datetime, int, Action]] = []
        self.counter = itertools.count()
        self.stats = Stats()
        self.sloppy_units: set[int] = set()

    # -- time --------------------------------------------------------------------------------------
    def schedule(self, moment: datetime, action: Action) -> None:
        heapq.heappush(self.queue, (moment, next(self.counter), action))

    def office_moment(self, day: date, earliest: datetime | None = None) -> datetime:
        """A random moment in office hours on ``day`` (a working day), not before ``earliest``."""
        opens = datetime.combine(day, OPENS, ZONE)
        if earliest is not None and earliest.astimezone(ZONE).date() == day:
            opens = max(opens, earliest.astimezone(ZONE) + timedelta(minutes=self.rng.randint(5, 60)))
        closes = datetime.combine(day, CLOSES, ZONE)
        if opens >= closes:
            return self.office_moment(self.calendar.add_workdays(day, 1), None)
        return opens + timedelta(seconds=self.rng.randrange(int((closes - opens).total_seconds())))

    def after_workdays(self, moment: datetime, days: int) -> datetime:
        local = moment.astimezone(ZONE)
        if days <= 0:
            day = self.calendar.next_workday_on_or_after(local.date())
            return self.office_moment(day, moment)
        return self.office_moment(self.calendar.add_workdays(local.date(), days))

    def run_until(self, session: Session, end: datetime) -> int:
        """Run every action due before ``end``; returns how many ran."""
        done = 0
        while self.queue and self.queue[0][0] < end:
            moment, _n, action = heapq.heappop(self.queue)
            action(session, moment)
            done += 1
        return done

    # -- arrivals ----------------------------------------------------------------------------------
    def applicant(self, item: Item) -> dict[str, str]:
        if "2" in item.service_objects and ("1" not in item.service_objects or self.rng.random() < 0.6):
            return {"name": company(self.rng), "type": "2", "id_number": "",
                    "phone": f"0571-8{self.rng.randrange(10**6):06d}"}
        return {"name": person_name(self.rng), "type": "1", "id_number": "",
                "phone": f"13{self.rng.randrange(10**9):09d}"}

    def arrive(self, item: Item, moment: datetime) -> None:
        run = CaseRun(self, item)
        self.schedule(moment, run.receive)

    def carry_on(self, session: Session, item: Item, number: str, at: datetime) -> None:
        """After a scripted breach, the case goes on like any other."""
        run = CaseRun(self, item)
        run.number, run.late, run.special, run.extend = number, False, False, False
        run.schedule_steps(session, at)


class CaseRun:
    """One application's path through the hall, each act scheduled after the previous one ran."""

    def __init__(self, sim: Simulation, item: Item) -> None:
        self.sim, self.item, self.rng = sim, item, sim.rng
        self.number = ""
        lateness = 0.06 if item.unit_id in sim.sloppy_units else 0.012
        self.late = self.rng.random() < lateness
        self.special = item.promised_limit >= 5 and self.rng.random() < 0.03
        self.extend = item.promised_limit >= 5 and not self.special and self.rng.random() < 0.01
        self.incomplete = self.rng.random() < 0.07 and any(m.required for m in item.materials)
        self.deny = self.rng.random() < 0.02
        self.deny_without_basis = self.deny and self.rng.random() < 0.2  # a breach: no legal reasons given
        self.overcharge = item.charges and self.rng.random() < 0.08
        self.window = sim.rng.choice(sim.staff.windows[item.unit_id])
        self.clerk = sim.staff.pick(self.rng, item.unit_id, "clerk")
        self.paused = False
        self.scheduled: set[int] = set()  # step rows already given an act (parallel branches)

    # -- acceptance --------------------------------------------------------------------------------
    def materials(self, complete: bool) -> list[str]:
        names = [m.name for m in self.item.materials if m.required or self.rng.random() < 0.5]
        if not complete:
            required = [m.name for m in self.item.materials if m.required]
            names.remove(self.rng.choice(required))
        return names

    def receive(self, session: Session, at: datetime) -> None:
        channel = "2" if self.item.online_only else self.rng.choice(["1", "1", "1", "2"])
        case = cases.receive_application(
            session, item_code=self.item.impl_code, clerk=self.clerk, window_number=self.window, channel=channel,
            applicant=self.sim.applicant(self.item), materials=self.materials(not self.incomplete), at=at)
        self.number = case.number
        self.sim.stats.received += 1
        if self.incomplete:
            self.sim.stats.incomplete += 1
            self.sim.schedule(self.sim.after_workdays(at, self.rng.randint(1, 3)), self.supply)
        else:
            self.accepted(session, at)

    def supply(self, session: Session, at: datetime) -> None:
        cases.supply_materials(session, self.number, self.clerk, [m.name for m in self.item.materials], at=at)
        self.accepted(session, at)

    def accepted(self, session: Session, at: datetime) -> None:
        if self.item.charges:
            self.sim.schedule(at + timedelta(minutes=self.rng.randint(3, 20)), self.pay)
        self.schedule_steps(session, at)

    def pay(self, session: Session, at: datetime) -> None:
        standard = self.item.fee_standard_fen or 0
        amount, basis = standard, self.item.fee_basis
        if self.overcharge:
            self.sim.stats.overcharged += 1
            amount = standard + self.rng.choice([1000, 2000, 5000])
        cases.charge_fee(session, self.number, self.rng.choice(self.sim.staff.finance), amount, basis, at=at)

    # -- steps -------------------------------------------------------------------------------------
    def schedule_steps(self, session: Session, at: datetime) -> None:
        case = cases.get_case(session, self.number)
        if case.state in ("completed", "delivered", "refused"):
            if case.state == "completed":
                self.sim.schedule(self.sim.after_workdays(at, self.rng.choice([0, 0, 1, 2])), self.deliver)
            return
        for row in [r for r in case.steps if r.state == "active" and r.id not in self.scheduled]:
            share = max(row.share, 0)
            if self.special and row.role == "approver" and not self.paused:
                self.paused = True
                self.sim.schedule(self.sim.after_workdays(at, 1), self.begin_special)
                return
            if self.extend and row.role == "approver":
                self.extend = False
                self.sim.schedule(self.sim.after_workdays(at, 1), self.extend_case)
            if self.late and share > 0:
                self.late = False
                delay = share + self.rng.randint(1, 4)
            else:
                delay = self.rng.randint(0, max(0, share - 1)) if share > 1 else 0
                if self.item.promised_unit == "natural_days":  # the share counts weekends too
                    delay = delay * 5 // 7
            self.scheduled.add(row.id)
            self.sim.schedule(self.sim.after_workdays(at, delay), self.step_action(row.name, row.unit_id, row.role))

    def step_action(self, name: str, unit_id: int, role: str) -> Action:
        def act(session: Session, at: datetime) -> None:
            actor = self.sim.staff.pick(self.rng, unit_id, role)
            decision = ("deny" if self.deny else "grant") if name == cases.DECIDE_STEP else None
            with_basis = decision == "deny" and not self.deny_without_basis
            basis = "《中华人民共和国行政许可法》第三十八条第二款" if with_basis else ""
            cases.act_on_step(session, self.number, name, actor, at=at, decision=decision, legal_basis=basis,
                              result_number=f"QS{self.number}" if name == cases.DELIVER_STEP else "")
            self.schedule_steps(session, at)
        return act

    def deliver(self, session: Session, at: datetime) -> None:
        case = cases.get_case(session, self.number)
        if case.state == "completed":
            cases.deliver_result(session, self.number, self.clerk, f"QS{self.number}", at=at)
        if self.rng.random() < 0.7:
            rating = self.rng.choices([r for r, _ in RATINGS], [w for _, w in RATINGS])[0]
            cases.rate_case(session, self.number, rating, self.rng.choice(["web", "mobile", "qr", "terminal"]), at=at)

    # -- time not counted and extensions -----------------------------------------------------------
    def begin_special(self, session: Session, at: datetime) -> None:
        kind = self.rng.choice(["expert_review", "inspection", "testing", "appraisal"])
        days = self.rng.randint(3, 10)
        head = self.sim.staff.pick(self.rng, self.item.unit_id, "approver")
        cases.begin_special_procedure(session, self.number, head, kind, days, "依法需要专家评审或检验检测", at=at)
        self.sim.stats.special_procedures += 1
        self.sim.schedule(self.sim.after_workdays(at, days), self.end_special)

    def end_special(self, session: Session, at: datetime) -> None:
        approver = self.sim.staff.pick(self.rng, self.item.unit_id, "approver")
        cases.end_special_procedure(session, self.number, approver, at=at, note="特别程序结束")
        self.special = False
        self.schedule_steps(session, at)

    def extend_case(self, session: Session, at: datetime) -> None:
        case = cases.get_case(session, self.number)
        if case.state != "in_progress":
            return
        head = self.sim.staff.pick(self.rng, self.item.unit_id, "unit_head")
        cases.extend_case(session, self.number, head, self.rng.randint(5, 10), "情况复杂，需现场核查", at=at)
        self.sim.stats.extensions += 1


# -- supervision in the simulated year -------------------------------------------------------------
class CardDesk:
    """Units answer their cards and supervisors review what they report, as people do."""

    def __init__(self, sim: Simulation) -> None:
        self.sim, self.rng = sim, sim.rng
        self.last_seen = 0  # cards up to this id have been passed to their unit

    def morning_sweep(self, session: Session, at: datetime) -> None:
        """The sweep, then every card raised since yesterday's sweep (by it or by events) is answered."""
        sweep(session, at)
        self.sim.stats.sweeps += 1
        for card_id, number in session.execute(select(Card.id, Card.number).where(Card.id > self.last_seen)
                                               .order_by(Card.id)).all():
            self.sim.stats.cards_raised += 1
            self.last_seen = card_id
            self.handle(session, number, at)

    def handle(self, session: Session, number: str, at: datetime) -> None:
        card = cards.get_card(session, number)
        if card.level == "warning":
            self.sim.schedule(self.sim.after_workdays(at, 3), self.close_warning(number))
        elif self.sim.staff.has(card.unit_id, "unit_head"):
            self.sim.schedule(self.sim.after_workdays(at, self.rng.choice([0, 0, 1])), self.acknowledge(number))

    def close_warning(self, number: str) -> Action:
        def close(session: Session, at: datetime) -> None:
            if cards.get_card(session, number).state != "closed":
                cards.close_card(session, number, actor=self.supervisor(), note="已提醒承办单位，预警事项已跟踪", at=at)
        return close

    def supervisor(self) -> str:
        return self.rng.choice(self.sim.staff.supervisors).login

    def head(self, card: Card) -> str:
        return self.sim.staff.pick(self.rng, card.unit_id, "unit_head").login

    def acknowledge(self, number: str) -> Action:
        def ack(session: Session, at: datetime) -> None:
            card = cards.get_card(session, number)
            if card.state != "issued":
                return
            cards.acknowledge(session, card, actor=self.head(card), at=at, note="已签收，立即组织整改")
            late = self.rng.random() < 0.1
            delay = self.rng.randint(6, 8) if late else self.rng.randint(1, 3)
            self.sim.schedule(self.sim.after_workdays(at, delay), self.report(number))
        return ack

    def report(self, number: str) -> Action:
        def submit(session: Session, at: datetime) -> None:
            card = cards.get_card(session, number)
            if card.state in ("rectified", "closed") or card.rectification_obligation_id is None:
                return
            cards.submit_rectification(session, card, actor=self.head(card), at=at,
                                       text="已查明原因，对责任人进行批评教育，完善了办件时限提醒和复核制度。",
                                       evidence=["整改报告.pdf", "责任人谈话记录.pdf"])
            self.sim.schedule(self.sim.after_workdays(at, self.rng.randint(1, 2)), self.review(number))
        return submit

    def review(self, number: str) -> Action:
        def decide(session: Session, at: datetime) -> None:
            card = cards.get_card(session, number)
            if card.state != "rectified":
                return
            if self.rng.random() < 0.08:
                cards.reject_rectification(session, card, actor=self.supervisor(), at=at,
                                           note="整改措施不具体，请补充制度文件并重新报送")
                self.sim.schedule(self.sim.after_workdays(at, self.rng.randint(1, 2)), self.report(number))
            else:
                cards.accept_rectification(session, card, actor=self.supervisor(), at=at, note="整改到位，同意销号")
        return decide


def scripted_breaches(sim: Simulation, session: Session) -> list[Action]:
    """One of each monitoring point that only a person's mistake triggers, spread over the year."""
    rng = sim.rng
    items = list(session.scalars(select(Item).where(Item.active).order_by(Item.id)))
    by_flow = [i for i in items if any(s.role == "approver" for s in i.steps) and not i.co_units
               and sim.staff.has(i.unit_id, "clerk")]
    online_only = [i for i in items if i.online_only and sim.staff.has(i.unit_id, "clerk")]

    def fresh_case(session: Session, at: datetime, item: Item, channel: str = "1", **kw) -> Case:
        clerk = sim.staff.pick(rng, item.unit_id, "clerk")
        materials = [m.name for m in item.materials if m.required]
        return cases.receive_application(session, item_code=item.impl_code, clerk=clerk,
                                         window_number=rng.choice(sim.staff.windows[item.unit_id]), channel=channel,
                                         applicant=sim.applicant(item), materials=materials, at=at, **kw)

    def refused(session: Session, attempt: Callable[[], object], label: str) -> None:
        session.commit()  # a refusal rolls its own unit of work back: keep the day's work first
        try:
            attempt()
        except YangguangError:
            sim.stats.refused_attempts += 1
            sim.stats.scripted_breaches.append(label)

    def out_of_order(session: Session, at: datetime) -> None:
        item = rng.choice(by_flow)
        number = fresh_case(session, at, item).number
        clerk = sim.staff.pick(rng, item.unit_id, "clerk")
        last = item.steps[-1].name
        refused(session, lambda: cases.act_on_step(session, number, last, clerk, at=at + timedelta(minutes=5),
                                                   decision="grant"), f"越序操作 {number}")
        sim.carry_on(session, item, number, at + timedelta(minutes=6))

    def unauthorised(session: Session, at: datetime) -> None:
        item = rng.choice(by_flow)
        number = fresh_case(session, at, item).number
        step = next(s for s in item.steps if s.role == "approver")
        other = rng.choice([u for (u, role) in sim.staff.by_unit_role if role == "approver" and u != item.unit_id])
        intruder = sim.staff.pick(rng, other, "approver")
        refused(session, lambda: cases.act_on_step(session, number, step.name, intruder, at=at + timedelta(minutes=9)),
                f"越权操作 {number}")
        sim.carry_on(session, item, number, at + timedelta(minutes=10))

    def offline(session: Session, at: datetime) -> None:
        if online_only:
            item = rng.choice(online_only)
            case = fresh_case(session, at, item, channel="1")
            sim.stats.scripted_breaches.append(f"必须网办事项窗口办理 {case.number}")
            sim.carry_on(session, item, case.number, at)

    def without_materials(session: Session, at: datetime) -> None:
        item = rng.choice([i for i in by_flow if sum(m.required for m in i.materials) >= 2])
        clerk = sim.staff.pick(rng, item.unit_id, "clerk")
        case = cases.receive_application(session, item_code=item.impl_code, clerk=clerk,
                                         window_number=rng.choice(sim.staff.windows[item.unit_id]), channel="1",
                                         applicant=sim.applicant(item), materials=[], at=at, force_accept=True)
        sim.stats.scripted_breaches.append(f"材料不全受理 {case.number}")
        sim.carry_on(session, item, case.number, at)

    def refuse_valid(session: Session, at: datetime) -> None:
        item = rng.choice(by_flow)
        case = fresh_case(session, at, item)
        cases.refuse_application(session, case.number, sim.staff.pick(rng, item.unit_id, "clerk"),
                                 "申请事项不属于本机关职权范围", "", at=at + timedelta(minutes=15))
        sim.stats.scripted_breaches.append(f"对符合条件的申请不予受理 {case.number}")

    return [out_of_order, unauthorised, offline, without_materials, refuse_valid, out_of_order, unauthorised,
            offline, without_materials, out_of_order]


def item_weights(rng: random.Random, items: list[Item]) -> list[float]:
    """Demand is uneven: a few items (business registration, social security, property) take most cases."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(items))]
    rng.shuffle(weights)
    return [w * (3 if i.promised_limit == 1 else 1) for w, i in zip(weights, items, strict=True)]


def active_items(session: Session, staff: Staff) -> list[Item]:
    items = list(session.scalars(select(Item).where(Item.active).order_by(Item.id)))
    return [i for i in items if staff.has(i.unit_id, "clerk") and not i.online_only]


def workdays(calendar: WorkCalendar, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if calendar.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def start(session: Session, rng: random.Random, staff: Staff) -> Simulation:
    sim = Simulation(rng, staff, get_calendar(session))
    units = sorted({u for (u, role) in staff.by_unit_role if role == "clerk"})
    sim.sloppy_units = set(rng.sample(units, 3))
    return sim
