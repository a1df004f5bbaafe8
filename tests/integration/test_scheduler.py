"""The scheduler with the real registry and categoriser: partners imported, every entitled
school planned under the hard rules, a category change giving a school an ECP and its
visits, explanations, pins, bad input, and kill -9 in the middle of a re-plan."""
import os
import threading
import time

from harness import (ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND, SLOW,
                     SOURCE_DIR, ServiceError, ServiceTestCase, wait_for, common_pb2, import_file,
                     registry_pb2)
from n2gg.v1 import scheduler_pb2 as sch_pb2

DEMO = os.path.join(SOURCE_DIR, "data", "demo")
AS_OF = "2013-11-15"
ECP, CEP, SIP, IA = sch_pb2.ROLE_ECP, sch_pb2.ROLE_CEP, sch_pb2.ROLE_SIP, sch_pb2.ROLE_INTERVENTION_ADVISER


class SchedulerCase(ServiceTestCase):
    def start_all(self, data_dir=None):
        reg = self.start("registry")
        cat = self.start("categoriser", extra_args=[
            "--registry", reg.api, "--registry-events", reg.events, "--as-of", AS_OF])
        sch = self.start_scheduler(reg, cat, data_dir=data_dir)
        return reg, cat, sch

    def start_scheduler(self, reg, cat, data_dir=None):
        return self.start("scheduler", data_dir=data_dir, extra_args=[
            "--registry", reg.api, "--registry-events", reg.events,
            "--categoriser", cat.api, "--categoriser-events", cat.events, "--as-of", AS_OF])

    def head(self, svc):
        return self.client(svc).call("Health", common_pb2.HealthRequest(),
                                     common_pb2.HealthReply).head_seq

    def caught_up(self, reg, cat, sch):
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") >= self.head(reg),
                 what="the categoriser")
        wait_for(lambda: sch.metric("n2gg_scheduler_registry_cursor") >= self.head(reg) and
                 sch.metric("n2gg_scheduler_categoriser_cursor") >= self.head(cat),
                 what="the scheduler")

    def import_demo(self, reg):
        r = self.client(reg)
        import_file(r, "ImportGias", os.path.join(DEMO, "edubasealldata.csv"), la_code=926)
        for method, name in (("ImportClusters", "clusters.csv"), ("ImportInspections", "ofsted.csv"),
                             ("ImportAchievement", "achievement.csv")):
            import_file(r, method, os.path.join(DEMO, name))

    def import_partners(self, sch, path=os.path.join(DEMO, "partners.csv")):
        with open(path, "rb") as f:
            return self.client(sch).call("ImportPartners", sch_pb2.ImportPartnersRequest(
                data=f.read(), file_name=os.path.basename(path)), sch_pb2.ImportPartnersReply)

    def allocations(self, sch):
        return self.client(sch).call("ListAllocations", sch_pb2.ListAllocationsRequest(),
                                     sch_pb2.AllocationsReply).allocations

    def partners(self, sch):
        return {p.id: p for p in self.client(sch).call(
            "ListPartners", sch_pb2.ListPartnersRequest(include_inactive=True),
            sch_pb2.ListPartnersReply).partners}

    def assert_valid_plan(self, sch, reg):
        """Hard rules and capacities hold; every entitled school has an allocation."""
        partners = self.partners(sch)
        schools = {s.urn: s for s in self.client(reg).call(
            "ListSchools", registry_pb2.ListSchoolsRequest(), registry_pb2.ListSchoolsReply).schools}
        used = {}
        unserved_cases = {sch_pb2.ALLOCATION_BASIS_AT_CAPACITY, sch_pb2.ALLOCATION_BASIS_NO_PARTNER,
                          sch_pb2.ALLOCATION_BASIS_EXCLUDED,
                          sch_pb2.ALLOCATION_BASIS_CHOICE_A_PENDING}
        served_cases = {sch_pb2.ALLOCATION_BASIS_KEPT, sch_pb2.ALLOCATION_BASIS_MATCHED,
                        sch_pb2.ALLOCATION_BASIS_CHOSEN_BY_LA,
                        sch_pb2.ALLOCATION_BASIS_CLUSTER_CHOICE}
        for al in self.allocations(sch):
            # which case it is, for letters, as well as the officer's reason
            self.assertIn(al.basis, served_cases if al.partner_id else unserved_cases, al)
            if not al.partner_id:
                self.assertTrue(al.reason, al)
                continue
            p = partners[al.partner_id]
            self.assertTrue(p.active, al)
            self.assertIn(al.role, p.roles, al)
            used[p.id] = used.get(p.id, 0) + al.days
            if al.urn:
                school = schools[al.urn]
                self.assertNotEqual(p.own_school_urn, al.urn, "own school")
                if p.own_cluster_id:
                    self.assertNotEqual(p.own_cluster_id, school.cluster_id, "same cluster")
                if al.role == SIP:
                    self.assertIn(school.phase, p.sip_accreditation, al)
            elif p.own_cluster_id:
                self.assertNotEqual(p.own_cluster_id, al.cluster_id, "own cluster CEP")
        for pid, days in used.items():
            self.assertLessEqual(days, partners[pid].capacity_days, pid)
        return used


class TestPlan(SchedulerCase):
    def test_partners_and_a_full_plan(self):
        reg, cat, sch = self.start_all()
        self.import_demo(reg)
        reply = self.import_partners(sch)
        self.assertEqual((reply.created, reply.rejected), (60, 0))
        self.assertEqual(self.import_partners(sch).unchanged, 60)   # a re-import changes nothing
        self.caught_up(reg, cat, sch)
        plan = self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(),
                                     sch_pb2.PlanReply)
        roles = {r.role: r for r in plan.roles}
        self.assertEqual(set(roles), {ECP, CEP, SIP, IA})
        self.assertGreater(roles[SIP].served, 200)
        self.assertGreater(roles[IA].entitled, 0)
        self.assertEqual(roles[CEP].entitled, 46)
        all_visits = self.client(sch).call("ListVisits", sch_pb2.ListVisitsRequest(),
                                           sch_pb2.ListVisitsReply).visits
        self.assertGreater(len(all_visits), 400, "an annual conversation at least per school")
        self.assert_valid_plan(sch, reg)
        for al in plan.unserved:
            self.assertRegex(al.reason, "capacity|excluded|no active partner|no qualified", al)
        # the same input gives the same plan: nothing changes on a second run
        again = self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(),
                                      sch_pb2.PlanReply)
        self.assertEqual(again.changed, 0)
        # explanations: why this partner, why not the others
        sip = next(al for al in self.allocations(sch) if al.role == SIP and al.partner_id)
        exp = self.client(sch).call("ExplainAllocation", sch_pb2.ExplainRequest(
            urn=sip.urn, role=SIP), sch_pb2.ExplainReply).explanations[0]
        self.assertIn(sip.partner_name, exp.why)
        self.assertTrue(exp.candidates)
        reasons = {c.excluded_by for c in exp.candidates}
        self.assertTrue(any("accreditation" in r or "conflict" in r or r == "" for r in reasons))
        # visits: a partner's calendar as iCalendar
        visits = self.client(sch).call("ListVisits", sch_pb2.ListVisitsRequest(
            partner_id=sip.partner_id), sch_pb2.ListVisitsReply).visits
        self.assertTrue(visits)
        ics = self.client(sch).call("PartnerCalendar", sch_pb2.PartnerCalendarRequest(
            partner_id=sip.partner_id), sch_pb2.PartnerCalendarReply).ics.decode()
        self.assertTrue(ics.startswith("BEGIN:VCALENDAR"))
        self.assertEqual(ics.count("BEGIN:VEVENT"), len(visits))
        days = [(v.partner_id, v.date) for v in visits]
        self.assertEqual(len(days), len(set(days)), "at most one visit a day per partner")
        budget = self.client(sch).call("Budget", sch_pb2.BudgetRequest(), sch_pb2.BudgetReply)
        sip_total = next(l for l in budget.lines if l.role == SIP and not l.cluster_id)
        self.assertEqual(sip_total.cost_pence, 150000 * sip_total.schools)

    def test_a_category_change_gives_an_ecp_and_visits_once(self):
        reg, cat, sch = self.start_all()
        self.import_demo(reg)
        self.import_partners(sch)
        self.caught_up(reg, cat, sch)
        self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        before = self.head(sch)
        school = next(al for al in self.allocations(sch)
                      if al.role == SIP and al.category in ("C", "F"))
        self.client(reg).call("SetFlags", registry_pb2.SetFlagsRequest(
            urn=school.urn, flags=registry_pb2.LaFlags(targeted_n2gg=True),
            fields=["targeted_n2gg"]))
        self.caught_up(reg, cat, sch)

        def ecp_events():
            out = []
            for e in self.client(sch).all_events(before):
                if e.topic == "allocation.changed":
                    c = sch_pb2.AllocationChanged.FromString(e.payload)
                    if c.allocation.urn == school.urn and c.allocation.role == ECP:
                        out.append(c)
            return out
        changes = wait_for(ecp_events, what="the ECP allocation")
        time.sleep(0.5 * SLOW)
        changes = ecp_events()
        self.assertEqual(len(changes), 1, "allocation.changed published once")
        self.assertTrue(changes[0].allocation.partner_id)
        self.assertEqual(changes[0].allocation.category, "B")
        visits = [sch_pb2.VisitEvent.FromString(e.payload).visit
                  for e in self.client(sch).all_events(before) if e.topic == "visit.scheduled"]
        mine = [v for v in visits if v.urn == school.urn]
        self.assertEqual(sorted(v.kind for v in mine).count("monitoring"), 6 - 1,
                         "a monitoring visit in each half-term still to come")
        self.assertTrue(all(v.partner_id == changes[0].allocation.partner_id for v in mine))
        self.assert_valid_plan(sch, reg)


class TestBadInput(SchedulerCase):
    def test_refusals_leave_the_plan_as_it_was(self):
        reg, cat, sch = self.start_all()
        self.import_demo(reg)
        self.import_partners(sch)
        self.caught_up(reg, cat, sch)
        c = self.client(sch)
        c.call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        head = self.head(sch)
        bad = ("id,name,roles,capacity_days,sip_accreditation\r\n"
               "X1,Negative,sip,-5,primary\r\n"
               "X2,Unknown role,wizard,10,\r\n"
               "X3,Unknown phase,sip,10,kindergarten\r\n")
        reply = c.call("ImportPartners", sch_pb2.ImportPartnersRequest(
            data=bad.encode(), file_name="bad.csv"), sch_pb2.ImportPartnersReply)
        self.assertEqual(reply.rejected, 3)
        self.assertEqual([r.line for r in reply.rejections], [2, 3, 4])
        self.assertIn("capacity_days", reply.rejections[0].reason)
        self.assertIn("wizard", reply.rejections[1].reason)
        self.assertIn("kindergarten", reply.rejections[2].reason)
        with self.assertRaises(ServiceError) as e:
            c.call("AddPartner", sch_pb2.PartnerRequest(partner=sch_pb2.Partner(
                id="P001", name="again", roles=[SIP])))
        self.assertEqual(e.exception.code, ALREADY_EXISTS)
        # a pin that breaks a hard rule: a SIP accredited for secondary on a primary school
        partners = self.partners(sch)
        secondary = next(p for p in partners.values()
                         if SIP in p.roles and registry_pb2.PHASE_PRIMARY not in p.sip_accreditation)
        primary_sip = next(al for al in self.allocations(sch) if al.role == SIP and al.partner_id)
        with self.assertRaises(ServiceError) as e:
            c.call("Pin", sch_pb2.PinRequest(urn=primary_sip.urn, role=SIP,
                                             partner_id=secondary.id))
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)
        self.assertIn("accreditation", e.exception.message)
        # a pin past a partner's days, on a school nobody serves yet (its allocation has 0 days)
        c.call("AddPartner", sch_pb2.PartnerRequest(partner=sch_pb2.Partner(
            id="SMALL", name="Three Days", roles=[SIP], capacity_days=3,
            sip_accreditation=[registry_pb2.PHASE_PRIMARY, registry_pb2.PHASE_MIDDLE_DEEMED_PRIMARY])))
        head = self.head(sch)
        unserved = next(al for al in self.allocations(sch) if al.role == SIP and not al.partner_id)
        with self.assertRaises(ServiceError) as e:
            c.call("Pin", sch_pb2.PinRequest(urn=unserved.urn, role=SIP, partner_id="SMALL"))
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)
        self.assertIn("3 of 3 days left, 5 needed", e.exception.message)
        with self.assertRaises(ServiceError) as e:
            c.call("Pin", sch_pb2.PinRequest(urn=primary_sip.urn, role=9, partner_id="P001"))
        self.assertEqual(e.exception.code, INVALID_ARGUMENT)
        with self.assertRaises(ServiceError) as e:
            c.call("ExplainAllocation", sch_pb2.ExplainRequest(urn=999999))
        self.assertEqual(e.exception.code, NOT_FOUND)
        self.assertEqual(self.head(sch), head, "nothing was half-applied")

    def test_a_pin_is_kept_and_a_leaving_partner_is_replaced(self):
        reg, cat, sch = self.start_all()
        self.import_demo(reg)
        self.import_partners(sch)
        self.caught_up(reg, cat, sch)
        c = self.client(sch)
        c.call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        sips = [al for al in self.allocations(sch) if al.role == SIP and al.partner_id]
        target = sips[0]
        # every primary SIP is busy: a new one joins and the officer pins the school to her
        school = self.client(reg).call("GetSchool", registry_pb2.GetSchoolRequest(
            urn=target.urn), registry_pb2.GetSchoolReply).school
        c.call("AddPartner", sch_pb2.PartnerRequest(partner=sch_pb2.Partner(
            id="NEW1", name="New Partner", roles=[SIP],
            sip_accreditation=[registry_pb2.PHASE_PRIMARY, registry_pb2.PHASE_MIDDLE_DEEMED_PRIMARY],
            capacity_days=80, easting=school.easting + 50000, northing=school.northing)),
               sch_pb2.PartnerReply)
        other = "NEW1"
        c.call("Pin", sch_pb2.PinRequest(urn=target.urn, role=SIP, partner_id=other,
                                         reason="the head asked"), sch_pb2.AllocationsReply)
        c.call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        now = {(al.urn, al.role): al for al in self.allocations(sch)}
        self.assertEqual(now[(target.urn, SIP)].partner_id, other)
        self.assertTrue(now[(target.urn, SIP)].pinned)
        # the partner leaves: only its schools are re-planned
        leaving = sips[-1].partner_id
        kept_before = {k: al.partner_id for k, al in now.items()
                       if al.partner_id and al.partner_id != leaving}
        c.call("RemovePartner", sch_pb2.PartnerRequest(id=leaving), sch_pb2.PartnerReply)
        after = {(al.urn, al.role): al for al in self.allocations(sch)}
        self.assertFalse(any(al.partner_id == leaving for al in after.values()))
        self.assertEqual({k: after[k].partner_id for k in kept_before}, kept_before,
                         "every allocation that still holds is kept")
        self.assert_valid_plan(sch, reg)


class TestCrashRecovery(SchedulerCase):
    def test_kill_9_mid_replan_leaves_a_valid_complete_plan(self):
        reg, cat, sch = self.start_all()
        self.import_demo(reg)
        self.import_partners(sch)
        self.caught_up(reg, cat, sch)
        self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        # a stream of category changes re-plans again and again; kill in the middle
        urns = [al.urn for al in self.allocations(sch) if al.urn][:120]

        def stream():
            r = self.client(reg, actor="stream")
            for i, urn in enumerate(urns):
                r.call("SetFlags", registry_pb2.SetFlagsRequest(
                    urn=urn, flags=registry_pb2.LaFlags(targeted_n2gg=i % 2 == 0,
                                                        causing_concern=i % 3 == 0),
                    fields=["targeted_n2gg", "causing_concern"]))
        writer = threading.Thread(target=stream)
        writer.start()
        wait_for(lambda: sch.metric("n2gg_scheduler_plans_total") >= 3, what="re-plans")
        sch.kill9()
        writer.join()
        sch = self.start_scheduler(reg, cat, data_dir=sch.data_dir)
        self.caught_up(reg, cat, sch)
        time.sleep(0.5 * SLOW)   # the incremental plan the last events asked for
        self.assert_valid_plan(sch, reg)
        # complete: every entitled school and cluster has an allocation (served or with why)
        dry = self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(dry_run=True),
                                    sch_pb2.PlanReply)
        stored = self.allocations(sch)
        for r in dry.roles:
            self.assertEqual(sum(1 for al in stored if al.role == r.role), r.entitled, r)
        # the events tell the same story as the store: the last change of each allocation
        last = {}
        for e in self.client(sch).all_events():
            if e.topic == "allocation.changed":
                a = sch_pb2.AllocationChanged.FromString(e.payload).allocation
                last[(a.role, a.urn, a.cluster_id if not a.urn else "")] = a.partner_id
        for al in stored:
            key = (al.role, al.urn, al.cluster_id if not al.urn else "")
            self.assertEqual(last.get(key, ""), al.partner_id, key)
