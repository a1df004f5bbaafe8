"""The notifier with the real registry, categoriser and scheduler: category letters to a
mail directory, an SMTP sink (Debian's python3-aiosmtpd) that greylists then accepts, one
that refuses (the dead-letter list, and sending again), one that requires a login (from
the credentials file, never shown), a webhook receiver that checks each letter's
signature, channel settings that are not safe refused at start, MI sheets
(numbering, audiences, responses, scheduled issue, reminders), digests, allocation letters
and visit schedules, bad input of every kind, and kill -9 while 2,000+ letters go out:
afterwards every recipient has exactly one letter per notice, counted by Message-ID."""
import email
import email.policy
import glob
import json
import os
import shutil
import signal
import time
import urllib.request

from harness import (ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT, SLOW, SOURCE_DIR,
                     ServiceError, ServiceTestCase, common_pb2, gen_gias, import_file,
                     registry_pb2, wait_for)
from n2gg.v1 import categoriser_pb2 as cat_pb2
from n2gg.v1 import notifier_pb2 as ntf_pb2
from n2gg.v1 import scheduler_pb2 as sch_pb2
from test_channels import (Login, SmtpSink, Webhook, new_webhook_secret, verify_webhook,
                           write_secret)

DEMO = os.path.join(SOURCE_DIR, "data", "demo")
TEMPLATES = os.path.join(SOURCE_DIR, "services", "notifier", "templates")
AS_OF = "2013-11-15"
HEAD, CHAIR = ntf_pb2.RECIPIENT_HEADTEACHER, ntf_pb2.RECIPIENT_CHAIR_OF_GOVERNORS
PENDING, SENT, DEAD = ntf_pb2.DELIVERY_PENDING, ntf_pb2.DELIVERY_SENT, ntf_pb2.DELIVERY_DEAD
HELD, IN_DIGEST, NO_ADDRESS = ntf_pb2.DELIVERY_HELD, ntf_pb2.DELIVERY_IN_DIGEST, ntf_pb2.DELIVERY_NO_ADDRESS


def parse(path_or_bytes):
    data = path_or_bytes
    if isinstance(path_or_bytes, str):
        with open(path_or_bytes, "rb") as f:
            data = f.read()
    return email.message_from_bytes(data, policy=email.policy.default)


class Sink:
    """An SMTP handler: answers 451 to the first `greylist` tries of each letter, 550 to
    recipients in `refuse`, else accepts; keeps what it accepted."""

    def __init__(self, greylist=0, refuse=()):
        self.greylist = greylist
        self.refuse = set(refuse)
        self.tries = {}
        self.accepted = []   # (rcpt, Message-ID, Subject)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        mid = msg["Message-ID"]
        self.tries[mid] = self.tries.get(mid, 0) + 1
        if self.tries[mid] <= self.greylist:
            return "451 4.7.1 Greylisted, please try again later"
        self.accepted.append((envelope.rcpt_tos[0], mid, str(msg["Subject"])))
        return "250 2.0.0 Ok: queued"


class NotifierCase(ServiceTestCase):
    def start_upstream(self, data=None, contacts=True):
        reg = self.start("registry")
        r = self.client(reg)
        if data is None:
            data = DEMO
            import_file(r, "ImportGias", os.path.join(DEMO, "edubasealldata.csv"), la_code=926)
        else:
            import_file(r, "ImportGias", os.path.join(data, "edubasealldata.csv"))
        for method, name in (("ImportClusters", "clusters.csv"), ("ImportInspections", "ofsted.csv"),
                             ("ImportAchievement", "achievement.csv")) + (
                                 (("ImportContacts", "contacts.csv"),) if contacts else ()):
            import_file(r, method, os.path.join(data, name))
        cat = self.start("categoriser", extra_args=[
            "--registry", reg.api, "--registry-events", reg.events, "--as-of", AS_OF])
        return reg, cat

    def start_notifier(self, reg, cat, *extra, sch=None, data_dir=None, as_of=AS_OF, wait=True,
                       settle_ms=0):
        args = ["--registry", reg.api, "--registry-events", reg.events,
                "--categoriser", cat.api, "--categoriser-events", cat.events,
                "--as-of", as_of, "--retry-base-ms", "50", "--retry-max-ms", "400",
                "--visit-settle-ms", "300", "--settle-ms", str(settle_ms), *extra]
        if sch:
            args += ["--scheduler", sch.api, "--scheduler-events", sch.events]
        else:   # nothing listens there: the scheduler is not running
            args += ["--scheduler", "tcp://127.0.0.1:1", "--scheduler-events", "tcp://127.0.0.1:1"]
        return self.start("notifier", data_dir=data_dir, extra_args=args, wait=wait)

    def head(self, svc):
        return self.head_seq(svc)

    def settled(self, reg, cat, ntf, timeout=60.0):
        """The notifier has applied everything upstream holds and has nothing left to send."""
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") >= self.head(reg),
                 timeout, "the categoriser")
        wait_for(lambda: ntf.metric("n2gg_notifier_registry_cursor") >= self.head(reg) and
                 ntf.metric("n2gg_notifier_categoriser_cursor") >= self.head(cat) and
                 ntf.metric("n2gg_notifier_queue") == 0, timeout, "the notifier to settle")

    def events(self, ntf, topic=None):
        evs = self.client(ntf).all_events()
        return [e for e in evs if topic is None or e.topic == topic]

    def created(self, ntf):
        """Every notice.created payload."""
        return [ntf_pb2.NoticeCreated.FromString(e.payload) for e in self.events(ntf, "notice.created")]

    def letters(self, ntf, kind=None):
        """The deliveries that were to go: recorded (notice.created), with an address, and
        not withdrawn since (a later change undid their news before they went)."""
        withdrawn = {ntf_pb2.DeliveryEvent.FromString(e.payload).delivery.key
                     for e in self.events(ntf, "notice.withdrawn")}
        return [d for c in self.created(ntf) if kind is None or c.notice.kind == kind
                for d in c.deliveries if d.state != NO_ADDRESS and d.key not in withdrawn]

    def log(self, ntf, urn=0, notice_id=""):
        return self.client(ntf).call("DeliveryLog", ntf_pb2.DeliveryLogRequest(
            urn=urn, notice_id=notice_id), ntf_pb2.DeliveriesReply).deliveries

    def notices(self, ntf, urn=0, kind=0, limit=100000):
        return self.client(ntf).call("ListNotices", ntf_pb2.ListNoticesRequest(
            urn=urn, kind=kind, limit=limit), ntf_pb2.ListNoticesReply).notices

    def record_inadequate(self, reg, urn):
        self.client(reg).call("RecordInspection", registry_pb2.RecordInspectionRequest(
            urn=urn, inspection=registry_pb2.Inspection(
                start_date="2013-11-01", overall_effectiveness=4,
                category_of_concern=registry_pb2.CONCERN_SPECIAL_MEASURES)),
            registry_pb2.SchoolReply)


class TestMailDirectory(NotifierCase):
    def test_category_letters_one_per_recipient_and_a_new_one_on_change(self):
        reg, cat = self.start_upstream()
        ntf = self.start_notifier(reg, cat)
        self.settled(reg, cat, ntf)
        created = self.created(ntf)
        letters = [c for c in created if c.notice.kind == ntf_pb2.NOTICE_CATEGORY_LETTER]
        self.assertGreater(len(letters), 300)
        files = glob.glob(os.path.join(ntf.data_dir, "store", "maildir", "*.eml"))
        mail = self.letters(ntf, ntf_pb2.NOTICE_CATEGORY_LETTER)
        self.assertEqual(len(files), len(mail))
        by_mid = {d.message_id: d for d in mail}
        for path in files[:50]:
            msg = parse(path)
            d = by_mid[msg["Message-ID"]]
            self.assertEqual(msg["To"].addresses[0].addr_spec, d.recipient.email)
            self.assertIn("category", str(msg["Subject"]).lower())
            self.assertTrue(os.path.basename(path).startswith(d.key))
        # a school judged inadequate: one new letter to each of its two recipients
        school = letters[0].notice
        before = len(files)
        earlier = self.notices(ntf, urn=school.urn, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        self.record_inadequate(reg, school.urn)
        self.settled(reg, cat, ntf)
        mine = self.notices(ntf, urn=school.urn, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        self.assertEqual(len(mine), len(earlier) + 1, [n.id for n in mine])
        newest = mine[0]
        self.assertTrue(newest.statutory)
        deliveries = self.log(ntf, notice_id=newest.id)
        self.assertEqual(sorted(d.recipient.role for d in deliveries), [HEAD, CHAIR])
        self.assertTrue(all(d.state == SENT and d.attempts == 1 for d in deliveries), deliveries)
        files = glob.glob(os.path.join(ntf.data_dir, "store", "maildir", "*.eml"))
        self.assertEqual(len(files), before + 2)
        text = parse(os.path.join(ntf.data_dir, "store", "maildir", deliveries[0].key + ".eml"))
        body = text.get_body(("plain",)).get_content()
        self.assertIn(school.school_name, body)
        # the school's log holds every letter's deliveries
        self.assertEqual(len(self.log(ntf, urn=school.urn)), 2 * len(mine))


    def test_changes_before_a_letter_goes_make_one_letter_or_none(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "20", "--seed", "7")
        reg, cat = self.start_upstream(data)
        ntf_dir = os.path.join(self.tmp, "ntf")
        ntf = self.start_notifier(reg, cat, data_dir=ntf_dir)
        self.settled(reg, cat, ntf)
        letters = self.notices(ntf, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        urn, other = letters[0].urn, [n.urn for n in letters if n.urn != letters[0].urn][0]
        told = self.client(cat).call("GetCategory", cat_pb2.GetCategoryRequest(urn=urn),
                                     cat_pb2.GetCategoryReply).decision.category
        ntf.stop()
        c = self.client(cat, actor="officer")
        # school 1: to A and back again while the notifier is down: nothing to tell
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=urn, category="A" if told != "A" else "B",
                                                         reason="trial"))
        c.call("ClearOverride", cat_pb2.ClearOverrideRequest(urn=urn, reason="trial over"))
        # school 2: two changes, one letter telling of the second
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=other, category="E", reason="first"))
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=other, category="D", reason="second"))
        ntf = self.start_notifier(reg, cat, data_dir=ntf_dir)
        self.settled(reg, cat, ntf)
        mine = self.notices(ntf, urn=urn, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        self.assertEqual(len(mine), 2)
        withdrawn = self.log(ntf, notice_id=mine[0].id)
        self.assertTrue(all(d.state == ntf_pb2.DELIVERY_WITHDRAWN for d in withdrawn), withdrawn)
        self.assertIn(f"back in category {told}", withdrawn[0].last_reply)
        self.assertTrue(self.events(ntf, "notice.withdrawn"))
        theirs = self.notices(ntf, urn=other, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        self.assertEqual(len(theirs), 2)
        self.assertIn("LA category D ", theirs[0].subject)
        self.assertIn("then", theirs[0].cause)
        self.assertTrue(all(d.state == SENT for d in self.log(ntf, notice_id=theirs[0].id)))
        self.assertTrue(self.events(ntf, "notice.updated"))


class TestSettleWindow(NotifierCase):
    def test_an_officers_change_waits_and_its_correction_replaces_the_letter(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "20", "--seed", "5")
        reg, cat = self.start_upstream(data)
        ntf = self.start_notifier(reg, cat, settle_ms=4000)
        self.settled(reg, cat, ntf)
        first = self.notices(ntf, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        urns = sorted({n.urn for n in first})
        c = self.client(cat, actor="officer")

        def category(urn):
            return self.client(cat).call("GetCategory", cat_pb2.GetCategoryRequest(urn=urn),
                                         cat_pb2.GetCategoryReply).decision.category

        def letters(urn):
            return self.notices(ntf, urn=urn, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)

        def pending():
            return self.client(ntf).call("ListNotices", ntf_pb2.ListNoticesRequest(pending=True),
                                         ntf_pb2.ListNoticesReply).notices

        # a mistaken override corrected at once: no letter goes to anyone
        mistaken, twice, cancelled, statutory = urns[0], urns[1], urns[2], urns[3]
        told = category(mistaken)
        c.call("SetOverride", cat_pb2.SetOverrideRequest(
            urn=mistaken, category="A" if told != "A" else "B", reason="a slip"))
        wait_for(lambda: len(letters(mistaken)) == 2, what="the override's letter")
        self.assertTrue(letters(mistaken)[0].by_hand)
        c.call("ClearOverride", cat_pb2.ClearOverrideRequest(urn=mistaken, reason="the slip put right"))
        # two changes in the window: one letter, of the final state
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=twice, category="E", reason="first"))
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=twice, category="D", reason="second"))
        # a third the officer stops by hand
        c.call("SetOverride", cat_pb2.SetOverrideRequest(urn=cancelled, category="E", reason="x"))
        wait_for(lambda: len(letters(cancelled)) == 2 and len(letters(twice)) == 2,
                 what="the letters of the other changes")
        waiting = {n.id: n for n in pending()}
        self.assertIn(letters(twice)[0].id, waiting)
        self.assertIn(letters(cancelled)[0].id, waiting)
        self.assertTrue(all(n.due_unix_ms > time.time() * 1000 for n in waiting.values()))
        shown = self.client(ntf).call("ShowNotice", ntf_pb2.ShowNoticeRequest(
            id=letters(twice)[0].id), ntf_pb2.ShowNoticeReply)
        self.assertEqual(len(shown.letters), 2)
        self.assertIn("LA category D", shown.letters[0].subject)
        self.assertIn("is now D (", shown.letters[0].text)
        self.assertNotIn("now E", shown.letters[0].text)
        self.client(ntf, actor="officer").call("CancelNotice", ntf_pb2.CancelNoticeRequest(
            id=letters(cancelled)[0].id, reason="told the head in person"), ntf_pb2.DeliveriesReply)
        with self.assertRaises(ServiceError) as e:
            self.client(ntf, actor="officer").call("CancelNotice", ntf_pb2.CancelNoticeRequest(
                id=letters(cancelled)[0].id, reason="again"), ntf_pb2.DeliveriesReply)
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)
        # a judgement from Ofsted is statutory: its letter goes at once, not after the window
        self.record_inadequate(reg, statutory)
        wait_for(lambda: len(letters(statutory)) == 2 and all(
            d.state == SENT for d in self.log(ntf, notice_id=letters(statutory)[0].id)),
            timeout=3, what="the statutory letter, before the settle window ends")
        self.assertFalse(letters(statutory)[0].by_hand)

        self.settled(reg, cat, ntf)   # the window ends: what is left goes
        self.assertTrue(all(d.state == ntf_pb2.DELIVERY_WITHDRAWN
                            for d in self.log(ntf, notice_id=letters(mistaken)[0].id)))
        self.assertTrue(all(d.state == ntf_pb2.DELIVERY_WITHDRAWN
                            for d in self.log(ntf, notice_id=letters(cancelled)[0].id)))
        self.assertIn("cancelled by officer: told the head in person",
                      self.log(ntf, notice_id=letters(cancelled)[0].id)[0].last_reply)
        sent = self.log(ntf, notice_id=letters(twice)[0].id)
        self.assertTrue(sent and all(d.state == SENT for d in sent))
        body = parse(os.path.join(ntf.data_dir, "store", "maildir", sent[0].key + ".eml"))
        self.assertIn("is now D (", body.get_body(("plain",)).get_content())
        self.assertEqual(list(pending()), [])


class TestSmtp(NotifierCase):
    def small_upstream(self, n=40):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", str(n), "--seed", "3")
        return self.start_upstream(data)

    def test_greylisting_sink_gets_exactly_one_letter_each(self):
        reg, cat = self.small_upstream()
        sink = Sink(greylist=2)
        with SmtpSink(sink) as smtp:
            ntf = self.start_notifier(reg, cat, "--channel", "smtp", "--smtp", smtp.url,
                                      "--smtp-tls", "none")
            self.settled(reg, cat, ntf)
            deliveries = self.letters(ntf)
            self.assertGreater(len(deliveries), 10)
            mids = [m for _, m, _ in sink.accepted]
            self.assertEqual(sorted(mids), sorted(d.message_id for d in deliveries))
            self.assertEqual(len(set(mids)), len(mids), "one letter each")
            self.assertTrue(all(t == 3 for t in sink.tries.values()), sink.tries)
            logged = self.log(ntf, notice_id=deliveries[0].notice_id)
            self.assertTrue(all(d.state == SENT and d.attempts == 3 for d in logged), logged)

    def test_refused_recipient_is_dead_lettered_then_sent_again(self):
        reg, cat = self.small_upstream()
        sink = Sink()
        with SmtpSink(sink) as smtp:
            ntf = self.start_notifier(reg, cat, "--channel", "smtp", "--smtp", smtp.url,
                                      "--smtp-tls", "none", "--smtp-rate", "500")
            self.settled(reg, cat, ntf)
            first = self.letters(ntf)
            victim = first[0].recipient.email
            # a new letter to the refused address: 550, one attempt, the dead-letter list
            sink.refuse.add(victim)
            self.record_inadequate(reg, first[0].urn)
            self.settled(reg, cat, ntf)
            dead = self.client(ntf).call("ListDead", ntf_pb2.ListDeadRequest(),
                                         ntf_pb2.DeliveriesReply).deliveries
            self.assertEqual(len(dead), 1, dead)
            self.assertEqual(dead[0].recipient.email, victim)
            self.assertEqual((dead[0].attempts, dead[0].last_code), (1, 550))
            self.assertIn("Recipient address rejected", dead[0].last_reply)
            self.assertEqual(ntf.metric("n2gg_notifier_dead"), 1)
            # the other recipient of that letter got it
            others = [d for d in self.log(ntf, notice_id=dead[0].notice_id) if d.key != dead[0].key]
            self.assertTrue(others and all(d.state == SENT for d in others))
            # fixed at the far end: send it again by a prefix of its key
            sink.refuse.clear()
            with self.assertRaises(ServiceError) as e:
                self.client(ntf).call("RetryDelivery", ntf_pb2.RetryDeliveryRequest(key="abc"))
            self.assertEqual(e.exception.code, INVALID_ARGUMENT)
            with self.assertRaises(ServiceError) as e:
                self.client(ntf).call("RetryDelivery", ntf_pb2.RetryDeliveryRequest(key=others[0].key))
            self.assertEqual(e.exception.code, FAILED_PRECONDITION)
            self.client(ntf).call("RetryDelivery", ntf_pb2.RetryDeliveryRequest(key=dead[0].key[:12]))
            wait_for(lambda: [d for d in self.log(ntf, notice_id=dead[0].notice_id)
                              if d.key == dead[0].key][0].state == SENT, what="the retried letter")
            self.assertIn(dead[0].message_id, [m for _, m, _ in sink.accepted])
            self.assertEqual(ntf.metric("n2gg_notifier_dead"), 0)

    def test_login_from_the_credentials_file_never_shown(self):
        reg, cat = self.small_upstream(10)
        password = "Tr0ub4dor&3 and spaces"
        login = Login("n2gg-relay", password)
        # readable by its group: started all the same, with a warning
        creds = write_secret(os.path.join(self.tmp, "smtp.login"),
                             f"n2gg-relay\n{password}\n", 0o640)
        sink = Sink()
        # the old way, no longer read: said so, and never shown
        os.environ["N2GG_NOTIFIER_SMTP_PASSWORD"] = "stale-env-password"
        try:
            with SmtpSink(sink, login=login) as smtp:
                ntf = self.start_notifier(reg, cat, "--channel", "smtp", "--smtp", smtp.url,
                                          "--smtp-tls", "none", "--smtp-credentials-file", creds)
                self.settled(reg, cat, ntf)
        finally:
            del os.environ["N2GG_NOTIFIER_SMTP_PASSWORD"]
        deliveries = self.letters(ntf)
        self.assertGreater(len(deliveries), 5)
        self.assertEqual(sorted(m for _, m, _ in sink.accepted),
                         sorted(d.message_id for d in deliveries))
        self.assertTrue(login.tries)
        self.assertEqual({(u, p) for _, u, p in login.tries}, {("n2gg-relay", password)})
        log = ntf.log()
        self.assertIn("login=yes", log)
        self.assertIn("group may read", log)
        self.assertIn("N2GG_NOTIFIER_SMTP_PASSWORD are no longer read", log)
        with urllib.request.urlopen(f"http://{ntf.http}/metrics", timeout=5) as r:
            metrics = r.read().decode()
        for secret in (password, "stale-env-password"):
            self.assertNotIn(secret, log)
            self.assertNotIn(secret, metrics)


class TestWebhook(NotifierCase):
    def test_webhook_gets_each_notice_once_even_for_a_recipient_without_email(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "30", "--seed", "4")
        # one school's headteacher has no email address on record
        path = os.path.join(data, "contacts.csv")
        with open(path) as f:
            lines = f.read().splitlines()
        urn, role, name, _, phone = lines[1].split(",")
        lines[1] = ",".join([urn, role, name, "", phone])
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        reg, cat = self.start_upstream(data)
        secret = new_webhook_secret()
        secret_file = write_secret(os.path.join(self.tmp, "webhook.secret"), secret + "\n")
        with Webhook([503, 503], 200) as hook:
            ntf = self.start_notifier(reg, cat, "--webhook", hook.url,
                                      "--webhook-secret-file", secret_file)
            self.settled(reg, cat, ntf)
            created = self.created(ntf)
            hooks = [d for d in self.letters(ntf) if d.channel == "webhook"]
            ok = [r for r in hook.requests if r["status"] == 200]
            self.assertEqual(sorted(r["key"] for r in ok), sorted(d.key for d in hooks))
            # every attempt signed (Standard Webhooks), its id the delivery's key; the
            # receiver's check passes with the secret and with no other
            for r in hook.requests:
                self.assertEqual(r["webhook_id"], r["key"])
                self.assertTrue(verify_webhook(secret, r), r)
                self.assertFalse(verify_webhook(new_webhook_secret(), r))
            self.assertNotIn(secret.removeprefix("whsec_"), ntf.log())
            self.assertIn("signed=yes", ntf.log())
            body = json.loads(ok[0]["body"])
            for field in ("notice_id", "kind", "urn", "subject", "text", "recipient", "message_id"):
                self.assertIn(field, body)
            # the headteacher without an address: reported, and the webhook still has it
            mine = [c for c in created if c.notice.urn == int(urn)]
            self.assertTrue(mine)
            states = {(d.channel, d.recipient.role): d for d in mine[0].deliveries}
            self.assertEqual(states[("maildir", HEAD)].state, NO_ADDRESS)
            self.assertIn("no email address", states[("maildir", HEAD)].last_reply)
            self.assertIn(states[("webhook", HEAD)].key, [r["key"] for r in ok])
            self.assertTrue(self.events(ntf, "notice.no_address"))
            # the address put right in the registry: the letter can be sent after all
            missing = states[("maildir", HEAD)]
            with self.assertRaises(ServiceError) as e:
                self.client(ntf).call("RetryDelivery", ntf_pb2.RetryDeliveryRequest(key=missing.key))
            self.assertEqual(e.exception.code, FAILED_PRECONDITION)
            self.assertIn("no usable email address", e.exception.message)
            self.client(reg).call("ImportContacts", registry_pb2.ImportRequest(
                data=f"urn,role,name,email,phone\n{urn},{role},{name},head@found.example.org,{phone}\n"
                .encode(), file_name="contacts.csv"), registry_pb2.ImportReply)
            wait_for(lambda: [r for r in self.poller(ntf).call(
                "GetRecipients", ntf_pb2.RecipientsRequest(urn=int(urn)), ntf_pb2.RecipientsReply).recipients
                if r.role == HEAD and r.email], what="the new address")
            self.client(ntf).call("RetryDelivery", ntf_pb2.RetryDeliveryRequest(key=missing.key))
            self.settled(reg, cat, ntf)
            msg = parse(os.path.join(ntf.data_dir, "store", "maildir", missing.key + ".eml"))
            self.assertEqual(msg["To"].addresses[0].addr_spec, "head@found.example.org")
            self.assertEqual(msg["Message-ID"], missing.message_id)


    def test_rate_limit_per_channel(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "30", "--seed", "5")
        reg, cat = self.start_upstream(data)
        secret_file = write_secret(os.path.join(self.tmp, "webhook.secret"), new_webhook_secret())
        with Webhook([], 200) as hook:
            ntf = self.start_notifier(reg, cat, "--webhook", hook.url, "--webhook-rate", "10",
                                      "--webhook-secret-file", secret_file)
            arrivals = []
            deadline = time.time() + 60 * SLOW
            while time.time() < deadline:
                while len(arrivals) < len(hook.requests):
                    arrivals.append(time.time())
                if arrivals and ntf.metric("n2gg_notifier_queue") == 0:
                    break
                time.sleep(0.02)
            self.settled(reg, cat, ntf)
            while len(arrivals) < len(hook.requests):
                arrivals.append(time.time())
            n = len(arrivals)
            self.assertGreater(n, 30)
            # a bucket of 10 a second, bursts of up to a second's worth
            self.assertGreaterEqual(arrivals[-1] - arrivals[0], (n - 10) / 10 - 0.5)
            for i in range(n):
                window = [t for t in arrivals if arrivals[i] <= t < arrivals[i] + 1.0]
                self.assertLessEqual(len(window), 10 + 10 + 1)
            # the mail directory has no limit: every letter there long before the webhook's
            self.assertEqual(ntf.metric("n2gg_notifier_dead"), 0)


class TestChannelSecurity(NotifierCase):
    """Settings that would put a password or the letters on the network in clear, or send
    an unsigned webhook, are refused at start, saying which and why, and never quoting a
    secret."""

    NOWHERE = ("--registry", "tcp://127.0.0.1:1", "--registry-events", "tcp://127.0.0.1:1",
               "--categoriser", "tcp://127.0.0.1:1", "--categoriser-events", "tcp://127.0.0.1:1",
               "--scheduler", "tcp://127.0.0.1:1", "--scheduler-events", "tcp://127.0.0.1:1")

    def notifier(self, *args, wait=False):
        d = os.path.join(self.tmp, f"notifier-{len(self.services)}")
        return self.start("notifier", data_dir=d, extra_args=[*self.NOWHERE, *args], wait=wait)

    def test_unsafe_channel_settings_are_refused_at_start(self):
        def path(name):
            return os.path.join(self.tmp, name)

        good = write_secret(path("good.secret"), new_webhook_secret())
        public = new_webhook_secret()
        write_secret(path("public.secret"), public, 0o644)
        write_secret(path("bad.secret"), "hunter2-not-whsec\n")
        write_secret(path("public.login"), "n2gg-relay\nsw0rdfish-123\n", 0o604)
        write_secret(path("colon.login"), "n2gg-relay:sw0rdfish-123\n")
        hook = "https://hooks.example.org/n2gg"
        smtp = ("--channel", "smtp", "--smtp", "smtp://mail.example.org:587")
        cases = (
            (("--channel", "smtp", "--smtp", "smtp://mail.example.org:25", "--smtp-tls", "none"),
             1, ("--smtp-tls none is refused", "not on loopback")),
            (("--channel", "smtp", "--smtp", "smtp://relay:sw0rdfish-123@mail.example.org"),
             1, ("--smtp-credentials-file",)),
            (smtp + ("--smtp-credentials-file", path("public.login")),
             1, ("every user of this machine may read",)),
            (smtp + ("--smtp-credentials-file", path("colon.login")), 1, ("two lines",)),
            (smtp + ("--smtp-credentials-file", path("absent.login")), 1, ("No such file",)),
            (("--smtp-user", "n2gg-relay"), 2, ("unknown setting --smtp-user",)),
            (("--smtp-password", "sw0rdfish-123"), 2, ("unknown setting --smtp-password",)),
            (("--webhook", hook), 1, ("--webhook-secret-file is needed",)),
            (("--webhook", hook, "--webhook-secret-file", path("absent.secret")), 1,
             ("No such file",)),
            (("--webhook", hook, "--webhook-secret-file", path("bad.secret")), 1, ("whsec_",)),
            (("--webhook", hook, "--webhook-secret-file", path("public.secret")), 1,
             ("every user of this machine may read",)),
            (("--webhook", "http://hooks.example.org/n2gg", "--webhook-secret-file", good), 1,
             ("https is required",)),
        )
        for args, code, says in cases:
            ntf = self.notifier(*args)
            self.assertEqual(ntf.proc.wait(timeout=20 * SLOW), code, f"{args}: {ntf.log()}")
            self.services.remove(ntf)
            log = ntf.log()
            for words in says:
                self.assertIn(words, log, args)
            for secret in ("sw0rdfish-123", "hunter2", public.removeprefix("whsec_")):
                self.assertNotIn(secret, log, args)

    def test_starttls_required_away_from_loopback_whatever_was_asked(self):
        # "try" for a mail server elsewhere becomes "required"; the log says so, and
        # names the webhook without its secret
        secret = new_webhook_secret()
        ntf = self.notifier("--channel", "smtp", "--smtp", "smtp://mail.example.org:587",
                            "--smtp-tls", "try", "--webhook", "https://hooks.example.org/n2gg",
                            "--webhook-secret-file",
                            write_secret(os.path.join(self.tmp, "hook.secret"), secret),
                            wait=True)
        line = [x for x in ntf.log().splitlines() if 'msg="channels"' in x]
        self.assertEqual(len(line), 1, ntf.log())
        for words in ("mail=smtp", "tls=required", "login=no",
                      "webhook=https://hooks.example.org/n2gg", "signed=yes"):
            self.assertIn(words, line[0])
        self.assertNotIn(secret.removeprefix("whsec_"), ntf.log())


class TestMiSheets(NotifierCase):
    def publish(self, ntf, **fields):
        sheet = dict(type=ntf_pb2.MI_ACTION, title="Pupil Premium return", body="Please return the form.",
                     complete_by="2013-11-18", contact_name="Jane Officer", contact_phone="01603 223456",
                     audience=ntf_pb2.MiAudience(headteachers=True, chairs_of_governors=True),
                     links=["https://www.schools.norfolk.gov.uk/mi"])
        sheet.update(fields)
        return self.client(ntf, actor="officer").call("PublishMi", ntf_pb2.PublishMiRequest(
            sheet=ntf_pb2.MiSheet(**sheet)), ntf_pb2.MiReply)

    def test_numbering_audience_responses_schedule_and_reminders(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "60", "--seed", "6")
        reg, cat = self.start_upstream(data)
        ntf_dir = os.path.join(self.tmp, "ntf")
        ntf = self.start_notifier(reg, cat, data_dir=ntf_dir)
        self.settled(reg, cat, ntf)
        clusters = self.client(reg).call("ListClusters", registry_pb2.ListClustersRequest(),
                                         registry_pb2.ListClustersReply).clusters
        one = clusters[0].id
        first = self.publish(ntf, audience=ntf_pb2.MiAudience(headteachers=True, clusters=[one]))
        self.assertEqual(first.sheet.number, "001/13")
        self.assertTrue(first.sheet.issued)
        second = self.publish(ntf, type=ntf_pb2.MI_INFORMATION, complete_by="", title="Holiday dates")
        self.assertEqual(second.sheet.number, "002/13")
        self.settled(reg, cat, ntf)
        mi = self.notices(ntf, kind=ntf_pb2.NOTICE_MI_SHEET)
        in_cluster = [n for n in mi if n.mi_number == "001/13"]
        self.assertEqual(len(in_cluster), first.schools)
        self.assertTrue(all(n.cluster_id == one for n in in_cluster))
        roles = {d.recipient.role for n in in_cluster for d in self.log(ntf, notice_id=n.id)}
        self.assertEqual(roles, {HEAD}, "headteachers only")
        # refusals name the field
        for fields, word in ((dict(title=""), "Title"), (dict(complete_by="2013-11-01"), "Completed By"),
                             (dict(number="005/13"), "MI Number")):
            with self.assertRaises(ServiceError) as e:
                self.publish(ntf, **fields)
            self.assertEqual(e.exception.code, INVALID_ARGUMENT)
            self.assertIn(word, e.exception.message)
        # responses
        urn = in_cluster[0].urn
        self.client(ntf).call("RespondMi", ntf_pb2.RespondMiRequest(number="001/13", urn=urn,
                                                                    respondent="Head"))
        with self.assertRaises(ServiceError) as e:
            self.client(ntf).call("RespondMi", ntf_pb2.RespondMiRequest(number="001/13", urn=urn))
        self.assertEqual(e.exception.code, ALREADY_EXISTS)
        with self.assertRaises(ServiceError) as e:
            self.client(ntf).call("RespondMi", ntf_pb2.RespondMiRequest(number="002/13", urn=urn))
        self.assertEqual(e.exception.code, FAILED_PRECONDITION)
        status = self.client(ntf).call("MiStatus", ntf_pb2.MiStatusRequest(number="001/13"),
                                       ntf_pb2.MiStatusReply)
        self.assertEqual([r.urn for r in status.responded], [urn])
        self.assertEqual(len(status.outstanding), first.schools - 1)
        # scheduled for tomorrow: numbered now, issued tomorrow
        later = self.publish(ntf, type=ntf_pb2.MI_INFORMATION, complete_by="",
                             publication_date="2013-11-16", title="Next week")
        self.assertEqual((later.sheet.number, later.sheet.issued), ("003/13", False))
        # the next day: the scheduled sheet goes, and 001/13's reminder reaches the others
        ntf.stop()
        ntf = self.start_notifier(reg, cat, data_dir=ntf_dir, as_of="2013-11-16")
        wait_for(lambda: self.poller(ntf).call("GetMi", ntf_pb2.GetMiRequest(number="003/13"),
                                               ntf_pb2.MiReply).sheet.issued, what="the scheduled sheet")
        reminders = wait_for(lambda: self.notices(ntf, kind=ntf_pb2.NOTICE_MI_REMINDER),
                             what="reminders")
        self.assertEqual(sorted(n.urn for n in reminders),
                         sorted(o.urn for o in status.outstanding))
        listed = self.client(ntf).call("ListMi", ntf_pb2.ListMiRequest(year=2013),
                                       ntf_pb2.ListMiReply).sheets
        self.assertEqual([s.number for s in listed], ["001/13", "002/13", "003/13"])


class TestDigest(NotifierCase):
    def test_a_chair_takes_a_daily_digest_but_never_of_category_letters(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "20", "--seed", "8")
        reg, cat = self.start_upstream(data)
        ntf = self.start_notifier(reg, cat, "--digest-time", "23:59")
        self.settled(reg, cat, ntf)
        urn = self.created(ntf)[0].notice.urn
        self.client(ntf).call("SetPreference", ntf_pb2.SetPreferenceRequest(
            urn=urn, role=CHAIR, digest=True), ntf_pb2.RecipientsReply)
        self.client(ntf).call("PublishMi", ntf_pb2.PublishMiRequest(sheet=ntf_pb2.MiSheet(
            type=ntf_pb2.MI_INFORMATION, title="Term dates", body="Attached.", contact_name="Jo",
            audience=ntf_pb2.MiAudience(headteachers=True, chairs_of_governors=True))), ntf_pb2.MiReply)
        self.record_inadequate(reg, urn)
        self.settled(reg, cat, ntf)
        log = self.log(ntf, urn=urn)
        mi = [d for d in log if d.kind == ntf_pb2.NOTICE_MI_SHEET]
        self.assertEqual({d.recipient.role: d.state for d in mi}, {HEAD: SENT, CHAIR: HELD})
        letters = [d for d in log if d.kind == ntf_pb2.NOTICE_CATEGORY_LETTER]
        self.assertTrue(all(d.state == SENT for d in letters), "statutory: at once")
        reply = self.client(ntf).call("SendDigests", ntf_pb2.SendDigestsRequest(),
                                      ntf_pb2.SendDigestsReply)
        self.assertEqual((reply.digests, reply.notices), (1, 1))
        self.settled(reg, cat, ntf)
        log = self.log(ntf, urn=urn)
        held = [d for d in log if d.kind == ntf_pb2.NOTICE_MI_SHEET and d.recipient.role == CHAIR]
        self.assertEqual(held[0].state, IN_DIGEST)
        digest = [d for d in log if d.kind == ntf_pb2.NOTICE_DIGEST]
        self.assertEqual(len(digest), 1)
        self.assertEqual((digest[0].state, digest[0].recipient.role), (SENT, CHAIR))
        msg = parse(os.path.join(ntf.data_dir, "store", "maildir", digest[0].key + ".eml"))
        self.assertIn("Term dates", msg.get_body(("plain",)).get_content())


class TestScheduler(NotifierCase):
    def test_allocation_letters_and_visit_schedules(self):
        reg, cat = self.start_upstream()
        sch = self.start("scheduler", extra_args=[
            "--registry", reg.api, "--registry-events", reg.events,
            "--categoriser", cat.api, "--categoriser-events", cat.events, "--as-of", AS_OF])
        ntf = self.start_notifier(reg, cat, sch=sch)
        with open(os.path.join(DEMO, "partners.csv"), "rb") as f:
            self.client(sch).call("ImportPartners", sch_pb2.ImportPartnersRequest(
                data=f.read(), file_name="partners.csv"), sch_pb2.ImportPartnersReply)
        wait_for(lambda: sch.metric("n2gg_scheduler_categoriser_cursor") >= self.head(cat),
                 what="the scheduler")
        self.client(sch).call("RunAllocation", sch_pb2.RunAllocationRequest(), sch_pb2.PlanReply)
        wait_for(lambda: ntf.metric("n2gg_notifier_scheduler_cursor") >= self.head(sch),
                 what="the notifier to follow the scheduler")
        self.settled(reg, cat, ntf)
        wait_for(lambda: ntf.metric("n2gg_notifier_queue") == 0, what="visit letters")
        allocs = self.notices(ntf, kind=ntf_pb2.NOTICE_ALLOCATION_LETTER)
        self.assertTrue(allocs)
        plan = self.client(sch).call("ListAllocations", sch_pb2.ListAllocationsRequest(),
                                     sch_pb2.AllocationsReply).allocations
        served = {(a.urn, a.cluster_id if not a.urn else "") for a in plan if a.partner_id}
        self.assertEqual(len({(n.urn, n.cluster_id if not n.urn else "") for n in allocs}), len(served))
        one = [n for n in allocs if n.urn][0]
        sent = [d for d in self.log(ntf, notice_id=one.id) if d.state == SENT]
        msg = parse(os.path.join(ntf.data_dir, "store", "maildir", sent[0].key + ".eml"))
        # the school's partner in the letter's role (a school has one in each of its roles)
        body = msg.get_body(("plain",)).get_content()
        names = [a.partner_name for a in plan if a.urn == one.urn and a.partner_id]
        self.assertTrue(any(name in body for name in names), (names, body))
        visits = self.notices(ntf, kind=ntf_pb2.NOTICE_VISIT_SCHEDULE)
        scheduled = self.client(sch).call("ListVisits", sch_pb2.ListVisitsRequest(),
                                          sch_pb2.ListVisitsReply).visits
        # one letter per school with visits, however many visit events the plan published
        self.assertEqual(sorted(n.urn for n in visits), sorted({v.urn for v in scheduled}))

        # a new partner pinned: the school's visits move to the new partner (same ids), and
        # its letter lists every one of them (a move once published a cancellation of the
        # same id after the new visit, which took the new visits out of the letter)
        c = self.client(sch, actor="officer")
        c.call("AddPartner", sch_pb2.PartnerRequest(partner=sch_pb2.Partner(
            id="NEW", name="Rachel Dawson", roles=[sch_pb2.ROLE_SIP], capacity_days=40,
            sip_accreditation=[registry_pb2.PHASE_PRIMARY, registry_pb2.PHASE_SECONDARY])))
        moved = None
        for al in (a for a in plan if a.urn and a.role == sch_pb2.ROLE_SIP and a.partner_id):
            try:
                c.call("Pin", sch_pb2.PinRequest(urn=al.urn, role=sch_pb2.ROLE_SIP,
                                                 partner_id="NEW", reason="the head asked"))
            except ServiceError:
                continue   # a hard rule (the school's phase): try another school
            moved = (al.urn, "NEW")
            break
        self.assertTrue(moved, "no school could take the new SIP")
        urn, partner = moved
        head = self.head(sch)
        wait_for(lambda: ntf.metric("n2gg_notifier_scheduler_cursor") >= head,
                 what="the notifier to follow the pin")
        events = self.client(sch).all_events()
        self.assertFalse([e for e in events if e.seq > head - 20 and e.topic == "visit.cancelled"
                          and sch_pb2.VisitEvent.FromString(e.payload).visit.urn == urn],
                         "a moved visit is not cancelled")
        mine = self.client(sch).call("ListVisits", sch_pb2.ListVisitsRequest(urn=urn),
                                     sch_pb2.ListVisitsReply).visits
        self.assertTrue(mine and all(v.partner_id == partner for v in mine), mine)

        def letter_visits():
            letters = self.notices(ntf, urn=urn, kind=ntf_pb2.NOTICE_VISIT_SCHEDULE)
            sent = [d for d in self.log(ntf, notice_id=letters[0].id) if d.state == SENT]
            if not sent:
                return None
            body = parse(os.path.join(ntf.data_dir, "store", "maildir",
                                      sent[0].key + ".eml")).get_body(("plain",)).get_content()
            return body
        wait_for(lambda: letter_visits() and f"Visits planned: {len(mine)}" in letter_visits(),
                 what=f"a visit letter listing the {len(mine)} visits")
        # the letter names the new partner and how to reach them, never a reference
        body = letter_visits()
        self.assertIn(", with Rachel Dawson", body)
        self.assertIn("To reach Rachel Dawson:", body)
        self.assertNotIn("NEW", body)
        self.assertNotIn("reference", body)
        for letter in self.notices(ntf, kind=ntf_pb2.NOTICE_VISIT_SCHEDULE):
            sent = [d for d in self.log(ntf, notice_id=letter.id) if d.state == SENT]
            for d in sent:
                text = parse(os.path.join(ntf.data_dir, "store", "maildir", d.key + ".eml")
                             ).get_body(("plain",)).get_content()
                self.assertNotRegex(text, r"\bP\d{3}\b", "a partner's reference in a letter")


class TestBadInput(NotifierCase):
    def test_events_about_schools_not_yet_known_are_kept_until_they_are(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "20", "--seed", "2")
        reg, cat = self.start_upstream(data)
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") >= self.head(reg),
                 what="the categoriser")
        ntf_dir = os.path.join(self.tmp, "ntf")
        # the registry cannot be reached: every category change is about an unknown school
        ntf = self.start("notifier", data_dir=ntf_dir, extra_args=[
            "--registry", "tcp://127.0.0.1:1", "--registry-events", "tcp://127.0.0.1:1",
            "--categoriser", cat.api, "--categoriser-events", cat.events,
            "--scheduler", "tcp://127.0.0.1:1", "--scheduler-events", "tcp://127.0.0.1:1",
            "--as-of", AS_OF])
        changes = [e for e in self.client(cat).all_events() if e.topic == "category.changed"]
        wait_for(lambda: ntf.metric("n2gg_notifier_parked") == len(changes), what="parking")
        self.assertEqual(len(self.notices(ntf)), 0)
        ntf.stop()
        ntf = self.start_notifier(reg, cat, data_dir=ntf_dir)
        self.settled(reg, cat, ntf)
        # every school hears, once, of the category it ended in: changes that came before
        # its letter went are folded into that letter
        final = {}
        for e in changes:
            c = cat_pb2.CategoryChanged.FromString(e.payload)
            final[c.urn] = c.category
        letters = self.notices(ntf, kind=ntf_pb2.NOTICE_CATEGORY_LETTER)
        self.assertEqual(sorted(n.urn for n in letters), sorted(final))
        for n in letters:
            self.assertIn(f"LA category {final[n.urn]} ", n.subject)

    def test_bad_templates_settings_and_requests(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "10", "--seed", "2")
        reg, cat = self.start_upstream(data)
        tdir = os.path.join(self.tmp, "templates")
        shutil.copytree(TEMPLATES, tdir)
        bad = os.path.join(tdir, "category_letter.tmpl")
        with open(bad) as f:
            good_text = f.read()
        with open(bad, "w") as f:
            f.write(good_text.replace("--- text ---\n", "--- text ---\nDear {{recipient.nmae}},\n", 1))
        # a template naming an unknown variable: refused at start with file and line
        ntf = self.start_notifier(reg, cat, "--templates", tdir, wait=False)
        self.assertEqual(ntf.proc.wait(timeout=20 * SLOW), 1)
        self.assertRegex(ntf.log(), r"category_letter\.tmpl:\d+: .*recipient\.nmae")
        self.services.remove(ntf)
        # a malformed webhook URL: refused at start, naming it
        ntf = self.start_notifier(reg, cat, "--webhook", "htp:/nowhere", wait=False)
        self.assertEqual(ntf.proc.wait(timeout=20 * SLOW), 1)
        self.assertIn("htp:/nowhere", ntf.log())
        self.services.remove(ntf)
        # good templates; then broken on disk and SIGHUP: the old ones stay in use
        with open(bad, "w") as f:
            f.write(good_text)
        ntf = self.start_notifier(reg, cat, "--templates", tdir)
        self.settled(reg, cat, ntf)
        with open(bad, "w") as f:
            f.write("Subject: {{#school}}\n--- text ---\nx\n")
        ntf.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "templates not reloaded" in ntf.log(), what="the refused reload")
        self.record_inadequate(reg, self.created(ntf)[0].notice.urn)
        self.settled(reg, cat, ntf)
        self.assertEqual(ntf.metric("n2gg_notifier_render_failures_total"), 0)
        # garbage and unknown requests get errors; the service keeps going
        c = self.client(ntf)

        class Raw:   # bytes sent as they are, whatever the method expects
            def __init__(self, data):
                self.data = data

            def SerializeToString(self):
                return self.data

        for method, body in (("PublishMi", Raw(b"\xff\xff\xff")), ("NoSuchMethod", Raw(b"")),
                             ("DeliveryLog", ntf_pb2.DeliveryLogRequest()),
                             ("GetMi", ntf_pb2.GetMiRequest(number="1/13")),
                             ("SetPreference", ntf_pb2.SetPreferenceRequest(urn=999999, role=HEAD))):
            with self.assertRaises(ServiceError):
                c.call(method, body)
        self.assertEqual(self.head(ntf) > 0, True)


class TestCrash(NotifierCase):
    def test_kill9_while_sending_leaves_exactly_one_letter_per_recipient_per_notice(self):
        data = gen_gias(os.path.join(self.tmp, "data"), "--schools", "1400", "--seed", "11")
        reg, cat = self.start_upstream(data)
        wait_for(lambda: cat.metric("n2gg_categoriser_registry_cursor") >= self.head(reg),
                 timeout=120, what="the categoriser")
        ntf_dir = os.path.join(self.tmp, "ntf")
        sink = Sink()
        with SmtpSink(sink) as smtp:
            args = ("--channel", "smtp", "--smtp", smtp.url, "--smtp-tls", "none", "--batch", "32")
            ntf = self.start_notifier(reg, cat, *args, data_dir=ntf_dir)
            wait_for(lambda: len(sink.accepted) >= 600, timeout=120, what="letters under way")
            ntf.kill9()
            self.services.remove(ntf)
            sent_before = len(sink.accepted)
            ntf = self.start_notifier(reg, cat, *args, data_dir=ntf_dir)
            self.settled(reg, cat, ntf, timeout=300)
            created = self.created(ntf)
            self.assertGreaterEqual(len(created), 1000)
            expected = {d.message_id: d for d in self.letters(ntf)}
            self.assertGreaterEqual(len(expected), 2000)
            got = {}
            for rcpt, mid, subject in sink.accepted:
                got.setdefault(mid, set()).add((rcpt, subject))
            self.assertEqual(set(got), set(expected), "none missing, none extra")
            for mid, copies in got.items():
                self.assertEqual(len(copies), 1, f"{mid}: one letter, the same on every copy")
                self.assertEqual(next(iter(copies))[0], expected[mid].recipient.email)
            # the store agrees: nothing pending, nothing dead, one Message-ID per
            # (notice, recipient)
            self.assertEqual((ntf.metric("n2gg_notifier_queue"), ntf.metric("n2gg_notifier_dead")), (0, 0))
            pairs = {(d.notice_id, d.recipient.email) for d in expected.values()}
            self.assertEqual(len(pairs), len(expected))
            print(f"\nkill -9 after {sent_before} accepted; {len(sink.accepted)} accepted in all for "
                  f"{len(expected)} letters ({len(sink.accepted) - len(expected)} re-sent after the "
                  f"crash, each with its first Message-ID)")
