"""Clusters' choices for their Cluster Education Partner (Norfolk's 2013 MI on CEPs), end to
end with the real registry, categoriser, scheduler and notifier and the n2gg command line.
Four generated clusters, each with a chair: one chooses A and nominates its own CEP (refused
when not accredited or trained after the first day, 27 September 2013, with nothing changed;
then accepted and pinned; turning to B later lets the pin go), one chooses B (the solver
identifies one), one chooses A and nominates nobody by the deadline (1 October 2013: held
back until then, the solver's after), one makes no choice. The chairs' letters say which
case, in words and with no internal ids. The scheduler runs as of 2013-09-20, then again as
of 2013-10-02. A store of the format before choices (2) is migrated at start (to 4: partners published)."""
import email
import email.policy
import glob
import json
import os
import subprocess
import time

import lmdb

from harness import (FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND, SLOW, ServiceError,
                     ServiceTestCase, common_pb2, gen_gias, import_file, registry_pb2, wait_for)
from n2gg.v1 import scheduler_pb2
from test_cli import CLI, lines
from test_notifier_cli import ENV, table

S = scheduler_pb2
R = registry_pb2
BEFORE, AFTER = "2013-09-20", "2013-10-02"   # the deadline is 2013-10-01
OWN, AWAITING = S.CEP_CHOICE_STATE_OWN_PINNED, S.CEP_CHOICE_STATE_AWAITING_NOMINEE
LA, MISSED = S.CEP_CHOICE_STATE_LA_TO_IDENTIFY, S.CEP_CHOICE_STATE_DEADLINE_MISSED
CHOICE_A, CHOICE_B = S.CEP_CHOICE_A, S.CEP_CHOICE_B
# the clusters gen-gias makes with --clusters 4: their roles here
OWN_CLUSTER, B_CLUSTER, LATE_CLUSTER, NO_CHOICE = "C926-01", "C926-02", "C926-03", "C926-04"

# Three LA partners and three a cluster might nominate: Jane Doe meets every rule, Owen
# Lake is not on the accredited list, Tess Late started the training a week after its first
# day. Every one of them takes the CEP role, so the solver may use any of them.
PARTNERS = """id,name,roles,capacity_days,training,easting,northing,cep_accredited,email
P101,Alan Pool,cep,60,CEP training@2013-09-27,620000,305000,yes,alan.pool@partners.example.org
P102,Beth Pool,cep,60,CEP training@2013-09-27,600000,300000,yes,beth.pool@partners.example.org
P103,Carl Pool,cep,60,CEP training@2013-09-27,640000,320000,yes,carl.pool@partners.example.org
P058,Jane Doe,cep,100,CEP training@2013-09-27,615000,310000,yes,jane.doe@partners.example.org
P070,Owen Lake,cep,100,CEP training@2013-09-27,615000,310000,no,owen.lake@partners.example.org
P071,Tess Late,cep,100,CEP training@2013-10-04,615000,310000,yes,tess.late@partners.example.org
"""


def chair_email(cluster):
    return f"chair@{cluster.lower()}.example.org"


class ClusterChoiceTest(ServiceTestCase):
    def setUp(self):
        super().setUp()
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "40", "--clusters", "4",
                        "--seed", "2")
        self.reg = self.start("registry")
        self.cat = self.start_follower("categoriser", self.reg, ["--as-of", BEFORE])
        self.sch = self.start("scheduler", extra_args=[
            "--registry", self.reg.api, "--registry-events", self.reg.events,
            "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
            "--as-of", BEFORE])
        self.maildir = os.path.join(self.tmp, "mail")
        os.makedirs(self.maildir)
        self.ntf = self.start("notifier", extra_args=[
            "--registry", self.reg.api, "--registry-events", self.reg.events,
            "--categoriser", self.cat.api, "--categoriser-events", self.cat.events,
            "--scheduler", self.sch.api, "--scheduler-events", self.sch.events,
            "--as-of", BEFORE, "--maildir", self.maildir, "--channel", "maildir",
            "--settle-ms", "0"])
        rc = self.client(self.reg)
        import_file(rc, "ImportGias", os.path.join(data, "edubasealldata.csv"), la_code=926)
        for method, name in (("ImportClusters", "clusters.csv"), ("ImportContacts", "contacts.csv")):
            import_file(rc, method, os.path.join(data, name))
        for cluster in (OWN_CLUSTER, B_CLUSTER, LATE_CLUSTER, NO_CHOICE):
            rc.call("SetClusterChair", R.SetClusterChairRequest(id=cluster, chair=R.Contact(
                name=f"Chair of {cluster}", email=chair_email(cluster))))
        self.officer = self.client(self.sch, actor="officer")
        self.caught_up()

    def caught_up(self, timeout=60.0):
        def at(svc, metric, source):
            head = self.head_seq(source)
            value = svc.metric(metric)
            return value is not None and value >= head

        wait_for(lambda: at(self.cat, "n2gg_categoriser_registry_cursor", self.reg), timeout,
                 "the categoriser")
        wait_for(lambda: at(self.sch, "n2gg_scheduler_registry_cursor", self.reg) and
                 at(self.sch, "n2gg_scheduler_categoriser_cursor", self.cat), timeout,
                 "the scheduler")
        wait_for(lambda: at(self.ntf, "n2gg_notifier_registry_cursor", self.reg) and
                 at(self.ntf, "n2gg_notifier_scheduler_cursor", self.sch) and
                 self.ntf.metric("n2gg_notifier_queue") == 0, timeout, "the notifier")

    # ---- the scheduler ----

    def choose(self, cluster, choice, nominee=""):
        return self.officer.call("SetClusterChoice", S.SetClusterChoiceRequest(
            cluster_id=cluster, choice=choice, nominee_partner_id=nominee), S.ClusterChoiceReply)

    def refused(self, code, cluster, choice, nominee="", says=""):
        with self.assertRaises(ServiceError) as e:
            self.choose(cluster, choice, nominee)
        self.assertEqual(e.exception.code, code, e.exception.message)
        self.assertIn(says, e.exception.message)

    def choice(self, cluster):
        return self.officer.call("GetClusterChoice", S.GetClusterChoiceRequest(cluster_id=cluster),
                                 S.ClusterChoiceReply)

    def cep(self, cluster):
        (al,) = self.officer.call("ListAllocations", S.ListAllocationsRequest(
            role=S.ROLE_CEP, cluster_id=cluster), S.AllocationsReply).allocations
        return al

    def head(self):
        return self.officer.read_events(max_events=1).head_seq

    def restart_scheduler(self, as_of):
        self.sch.stop()
        at = self.sch.extra_args.index("--as-of")
        self.sch.extra_args[at + 1] = as_of
        self.sch.start()
        self.officer = self.client(self.sch, actor="officer")

    # ---- the command line and the letters ----

    def cli(self, *args):
        return subprocess.run(
            [CLI, "--registry", self.reg.api, "--registry-events", self.reg.events,
             "--scheduler", self.sch.api, "--scheduler-events", self.sch.events, *args],
            capture_output=True, text=True, encoding="utf-8", env=ENV, timeout=60 * SLOW)

    def letters_to_chair(self, cluster):
        """The plain text of every CEP letter the cluster's chair was sent, oldest first."""
        found = []
        for path in sorted(glob.glob(os.path.join(self.maildir, "**", "*.eml"), recursive=True),
                           key=os.path.getmtime):
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            if msg["To"] and chair_email(cluster) in str(msg["To"]) and \
                    "Cluster Education Partner" in str(msg["Subject"]):
                found.append(msg.get_body(("plain",)).get_content())
        return found

    def letter_saying(self, cluster, words):
        return wait_for(lambda: [t for t in self.letters_to_chair(cluster)
                                 if " ".join(words.split()) in " ".join(t.split())],
                        what=f"a letter to {cluster}'s chair saying {words!r}")[-1]

    def assert_humane(self, text):
        for internal in ("P058", "P10", "P07", "officer", "Choice A", "Choice B", "pinned",
                         "optimal", "CEP_CHOICE", "2013-10-01"):
            self.assertNotIn(internal, text)

    def test_choice_a_accepted_and_refused_choice_b_and_a_missed_deadline(self):
        # ---- the choices, before any partner: nothing to solve yet ----
        self.assertEqual(self.choose(B_CLUSTER, CHOICE_B).choice.state, LA)
        self.assertEqual(self.choose(LATE_CLUSTER, CHOICE_A).choice.state, AWAITING)
        got = self.choose(OWN_CLUSTER, CHOICE_A)
        self.assertEqual((got.choice.state, got.choice.deadline, got.changed),
                         (AWAITING, "2013-10-01", True))
        self.assertFalse(self.choose(OWN_CLUSTER, CHOICE_A).changed, "the same again")
        self.refused(NOT_FOUND, "C926-99", CHOICE_B, says='no cluster "C926-99"')
        self.refused(INVALID_ARGUMENT, B_CLUSTER, CHOICE_B, "P058", says="Choice B names no nominee")
        self.refused(INVALID_ARGUMENT, B_CLUSTER, S.CEP_CHOICE_UNKNOWN, says="A (the cluster")
        recorded = [e for e in self.officer.all_events() if e.topic == "cluster.choice_recorded"]
        self.assertEqual(len(recorded), 3)
        first = S.ClusterChoiceEvent.FromString(recorded[0].payload)
        self.assertEqual((first.choice.cluster_id, first.choice.choice, first.choice.recorded_by),
                         (B_CLUSTER, CHOICE_B, "officer"))

        # ---- the partners (the new column read): the solver serves B and the cluster that
        # made no choice, and leaves the Choice A clusters to find their own ----
        reply = self.officer.call("ImportPartners", S.ImportPartnersRequest(
            data=PARTNERS.encode(), file_name="partners.csv"), S.ImportPartnersReply)
        self.assertEqual((reply.created, reply.rejected), (6, 0))
        partners = {p.id: p for p in self.officer.call(
            "ListPartners", S.ListPartnersRequest(), S.ListPartnersReply).partners}
        self.assertEqual(sorted(p for p in partners if partners[p].cep_accredited),
                         ["P058", "P071", "P101", "P102", "P103"])
        b = self.cep(B_CLUSTER)
        self.assertTrue(b.partner_id)
        self.assertEqual((b.cep_choice_state, b.pinned), (LA, False))
        self.assertTrue(self.cep(NO_CHOICE).partner_id)
        for cluster in (OWN_CLUSTER, LATE_CLUSTER):
            al = self.cep(cluster)
            self.assertEqual((al.partner_id, al.cep_choice_state), ("", AWAITING))
            self.assertIn("recruiting its own CEP (Choice A)", al.reason)
            self.assertEqual(al.basis, S.ALLOCATION_BASIS_CHOICE_A_PENDING)

        # ---- Choice A refused: each rule in words, and nothing changes ----
        head = self.head()
        r = self.cli("cluster", "choice", OWN_CLUSTER, "A", "--nominee", "P070")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("Choice A refused: Owen Lake (P070) is not on the accredited list of "
                      "Cluster Education Partners", r.stderr)
        r = self.cli("cluster", "choice", OWN_CLUSTER, "A", "--nominee", "P071")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("Choice A refused: Tess Late (P071) started the CEP training on "
                      "2013-10-04, after its first day (2013-09-27)", r.stderr)
        self.refused(NOT_FOUND, OWN_CLUSTER, CHOICE_A, "P999", says='no partner "P999"')
        self.assertEqual(self.head(), head, "a refused choice publishes nothing")
        still = self.choice(OWN_CLUSTER)
        self.assertEqual((still.choice.choice, still.choice.nominee_partner_id,
                          still.choice.state, still.allocation.partner_id),
                         (CHOICE_A, "", AWAITING, ""))

        # ---- Choice A accepted: the nominee pinned, the chair told it is their own ----
        r = self.cli("cluster", "choice", OWN_CLUSTER, "A", "--nominee", "P058")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = lines(r.stdout)
        self.assertEqual(out[0], f"cluster {OWN_CLUSTER}: Choice A \u2014 own CEP pinned")
        self.assertIn("  Nominee: Jane Doe (P058)", out)
        al = self.cep(OWN_CLUSTER)
        self.assertEqual((al.partner_id, al.pinned, al.cep_choice_state),
                         ("P058", True, OWN))
        self.assertIn("the cluster's own choice (Choice A)", al.reason)
        self.assertEqual(al.basis, S.ALLOCATION_BASIS_CLUSTER_CHOICE)
        events = self.officer.all_events(head)
        self.assertEqual([e.topic for e in events][:2],
                         ["cluster.choice_recorded", "allocation.changed"])
        changed = S.AllocationChanged.FromString(events[1].payload)
        self.assertEqual((changed.allocation.cluster_id, changed.allocation.partner_id,
                          changed.allocation.cep_choice_state), (OWN_CLUSTER, "P058", OWN))

        text = self.letter_saying(OWN_CLUSTER, "The cluster's own choice of Cluster Education "
                                               "Partner, Jane Doe, has been confirmed.")
        self.assert_humane(text)
        self.assertNotIn("has chosen this partner for you", text)
        text = self.letter_saying(B_CLUSTER, "As the cluster asked, the local authority has "
                                             f"identified {b.partner_name} as its Cluster "
                                             "Education Partner.")
        self.assert_humane(text)
        self.assertEqual(self.letters_to_chair(LATE_CLUSTER), [], "no CEP yet, none ended")

        # ---- the list, as officers read it ----
        r = self.cli("cluster", "choices")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = lines(r.stdout)
        rows = {row[0]: row for row in table(out[1:-1])}
        self.assertEqual(table(out[:1])[0], ["Cluster", "Choice", "Nominee", "Deadline", "State",
                                             "CEP"])
        self.assertEqual(rows[OWN_CLUSTER][1:5], ["A", "Jane Doe (P058)", "2013-10-01",
                                                  "own CEP pinned"])
        self.assertEqual(rows[B_CLUSTER][1:5], ["B", "-", "-", "LA to identify"])
        self.assertEqual(rows[LATE_CLUSTER][1:6], ["A", "-", "2013-10-01",
                                                   "awaiting the cluster's nominee", "-"])
        self.assertEqual(rows[NO_CHOICE][1], "-")
        self.assertIn("4 cluster(s); Choice A closes at the end of 2013-10-01", out[-1])
        listed = json.loads(self.cli("cluster", "choices", "--json").stdout)
        self.assertEqual({c["cluster_id"]: c.get("state") for c in listed["choices"]}[OWN_CLUSTER],
                         "CEP_CHOICE_STATE_OWN_PINNED")
        tail = lines(self.cli("events", "tail", "--source", "scheduler", "--from", "1",
                              "--no-follow", "--topic", "cluster.").stdout)
        self.assertEqual(len(tail), 4)
        self.assertIn(f"cluster={B_CLUSTER} choice=B", tail[0])
        self.assertIn(f"cluster={OWN_CLUSTER} choice=A nominee=P058", tail[3])

        # ---- the deadline passes: the cluster that nominated nobody goes to the solver ----
        self.restart_scheduler(AFTER)
        late = wait_for(lambda: self.cep(LATE_CLUSTER).partner_id and self.cep(LATE_CLUSTER),
                        what="the solver to identify the late cluster's CEP")
        self.assertEqual((late.cep_choice_state, late.pinned), (MISSED, False))
        self.assertEqual(self.choice(LATE_CLUSTER).choice.state, MISSED)
        own = self.cep(OWN_CLUSTER)
        self.assertEqual((own.partner_id, own.cep_choice_state), ("P058", OWN), "the pin stays")
        text = self.letter_saying(LATE_CLUSTER, "As no nomination reached us by 1 October 2013, "
                                                "the local authority has identified "
                                                f"{late.partner_name} as the cluster's Cluster "
                                                "Education Partner.")
        self.assert_humane(text)
        # Choice A is closed now; B may still be recorded
        self.refused(FAILED_PRECONDITION, NO_CHOICE, CHOICE_A,
                     says="Choice A closed at the end of 2013-10-01 (today is 2013-10-02)")
        # the cluster by its name, in any case, as anywhere a cluster is asked for
        name = next(c.name for c in self.client(self.reg).call(
            "ListClusters", R.ListClustersRequest(), R.ListClustersReply).clusters
            if c.id == NO_CHOICE)
        r = self.cli("cluster", "choice", name.upper(), "B")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(NO_CHOICE, r.stdout)
        self.assertIn("LA to identify", r.stdout)
        # a cluster that turns to Choice B lets its pin go; its CEP stays while it holds
        head = self.head()
        self.choose(OWN_CLUSTER, CHOICE_B)
        own = self.cep(OWN_CLUSTER)
        self.assertEqual((own.partner_id, own.pinned, own.cep_choice_state), ("P058", False, LA))
        self.assertEqual([e.topic for e in self.officer.all_events(head)],
                         ["cluster.choice_recorded"], "no new partner, no new letter")
        # the registry down: a cluster given by its id is taken as one after a brief try
        # (not every retry of the default timeout), and a name cannot be looked up
        self.reg.stop()
        t0 = time.monotonic()
        r = self.cli("cluster", "choice", OWN_CLUSTER, "B")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("cluster names cannot be looked up", r.stderr)
        self.assertLess(time.monotonic() - t0, 8 * SLOW, "the lookup waited for every retry")
        r = self.cli("cluster", "choice", name, "B")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("cluster names cannot be looked up", r.stderr)

    def test_a_nominee_who_leaves_after_the_deadline(self):
        # Choice A with its nominee pinned; the deadline passes; the nominee leaves: the LA
        # identifies another, and the chair is told why in words, not "no nomination"
        self.officer.call("ImportPartners", S.ImportPartnersRequest(
            data=PARTNERS.encode(), file_name="partners.csv"), S.ImportPartnersReply)
        self.assertEqual(self.choose(OWN_CLUSTER, CHOICE_A, "P058").choice.state, OWN)
        self.restart_scheduler(AFTER)
        self.assertEqual(self.cep(OWN_CLUSTER).partner_id, "P058")
        self.officer.call("RemovePartner", S.PartnerRequest(id="P058"), S.PartnerReply)
        now = wait_for(lambda: (lambda al: al.partner_id not in ("", "P058") and al)(
            self.cep(OWN_CLUSTER)), what="another CEP for the cluster")
        self.assertEqual((now.cep_choice_state, now.pinned),
                         (S.CEP_CHOICE_STATE_NOMINEE_LEFT, False))
        self.assertEqual(self.choice(OWN_CLUSTER).choice.state, S.CEP_CHOICE_STATE_NOMINEE_LEFT)
        text = self.letter_saying(OWN_CLUSTER, "As the Cluster Education Partner the cluster "
                                               "chose can no longer serve, the local authority "
                                               f"has identified {now.partner_name} as the "
                                               "cluster's Cluster Education Partner.")
        self.assertNotIn("no nomination", text)
        self.assert_humane(text)
        r = self.cli("cluster", "choices")
        self.assertIn("own CEP no longer serves", r.stdout)

    def test_a_store_of_the_format_before_choices_is_migrated(self):
        self.choose(B_CLUSTER, CHOICE_B)
        partners = self.officer.call("ListPartners", S.ListPartnersRequest(),
                                     S.ListPartnersReply).partners
        head = self.head()
        self.sch.stop()
        # as the previous release left its stores: format 2, no cluster_choices database
        env = lmdb.open(os.path.join(self.sch.data_dir, "store"), max_dbs=32, subdir=True)
        with env.begin(write=True) as txn:
            txn.drop(env.open_db(b"cluster_choices", txn=txn, create=False), delete=True)
            txn.put(b"own", (2).to_bytes(4, "big"), db=env.open_db(b"store_format", txn=txn))
        env.close()
        self.restart_scheduler(BEFORE)
        self.assertIn("store migrated", self.sch.log())
        # format 4: each partner stored before partners were published is published once
        published = [S.PartnerChanged.FromString(e.payload).partner
                     for e in self.officer.all_events(head) if e.topic == "partner.changed"]
        self.assertEqual(sorted(p.id for p in published), sorted(p.id for p in partners))
        self.assertEqual({p.id: p.capacity_days for p in published},
                         {p.id: p.capacity_days for p in partners})
        self.assertEqual(self.choice(B_CLUSTER).choice.state, S.CEP_CHOICE_STATE_NONE)
        self.assertEqual(self.choose(B_CLUSTER, CHOICE_B).choice.state, LA)
        # the accreditation by hand, as the partners file gives it
        r = self.cli("partner", "add", "P200", "--name", "Ann Added", "--roles", "cep",
                     "--capacity-days", "20", "--training", "CEP training@2013-09-27",
                     "--cep-accredited")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("\n  CEP accredited         yes\n", r.stdout)
        self.assertTrue(self.officer.call("GetPartner", S.PartnerRequest(id="P200"),
                                          S.PartnerReply).partner.cep_accredited)
        self.sch.stop()
        env = lmdb.open(os.path.join(self.sch.data_dir, "store"), max_dbs=32, subdir=True,
                        readonly=True)
        with env.begin() as txn:
            own = txn.get(b"own", db=env.open_db(b"store_format", txn=txn, create=False))
        env.close()
        self.assertEqual(int.from_bytes(own, "big"), 4)
