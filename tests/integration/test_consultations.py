"""Consultations end to end, through the n2gg command line against the real registry,
categoriser, scheduler and notifier (as of 2013-11-15, the demo's schools of three clusters,
test_notifier_cli's set-up): an Action sheet with a questionnaire (a choice and a free-text
question) answered by three schools, its answers exported as CSV, reminders to the others
only; bad answers refused with nothing stored; a correction (a letter naming the sheet it
corrects, the sheet's history kept, refused when it would orphan answers given); a withdrawal
(a letter with the reason, no responses nor reminders after it); a sheet to cluster chairs
answered for the cluster; a sheet to nobody refused without using up its number."""
import csv
import email
import email.policy
import glob
import io
import os
import unittest

from harness import wait_for
from test_cli import lines
from test_notifier_cli import AUDIENCE, NotifierCliTestCase, N, table

QUESTIONS = """# the cluster consultation, autumn 2013
1. Which choice will the school make for its Cluster Education Partner?
   options: Choice A | Choice B
2. What support would the school like from the LA
   in the spring term?
"""
COMPLETE_BY = "2013-11-20"


class ConsultationTest(NotifierCliTestCase):
    def file(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def publish(self, title, *extra):
        return self.ok("mi", "publish", "--type", "action", "--title", title, "--body",
                       "Please answer the questions below.", "--complete-by", COMPLETE_BY,
                       "--contact-name", "Jane Smith", "--contact-phone", "01603 222333",
                       "--clusters", ",".join(AUDIENCE), *extra).stdout

    def respond(self, number, who, answers, *extra, code=0, says=()):
        args = ("mi", "respond", number, str(who), "--answers-file",
                self.file("answers.txt", answers), *extra)
        return self.refused(code, *args, says=says) if code else self.ok(*args).stdout

    def letters(self, subject_has):
        """The text of every letter in the mail directory whose subject has `subject_has`,
        with the address it went to."""
        found = []
        for path in glob.glob(os.path.join(self.maildir, "**", "*.eml"), recursive=True):
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            if subject_has in msg["Subject"]:
                found.append((str(msg["To"]), msg.get_body(("plain",)).get_content()))
        return found

    def restart_notifier(self, as_of):
        self.ntf.stop()
        at = self.ntf.extra_args.index("--as-of")
        self.ntf.extra_args[at + 1] = as_of
        self.ntf.start()
        self.nc = self.client(self.ntf)

    def test_consultation_answers_csv_reminders_correction_and_withdrawal(self):
        schools = self.open_schools(AUDIENCE)
        n = len(schools)
        self.assertGreater(n, 4, "the audience has schools to answer and schools not to")
        questions = self.file("questions.txt", QUESTIONS)

        # a sheet to nobody is refused, and does not use up a number (the cluster has no
        # special school); a cluster there is not is refused before anything is sent
        nobody = ("--clusters", "C926-46", "--phases", "special")
        self.refused(5, "mi", "publish", "--type", "action", "--title", "Nobody",
                     "--body", "x", "--complete-by", COMPLETE_BY, "--contact-name", "J",
                     *nobody, says=["FAILED_PRECONDITION", "nobody is in it",
                                    "no MI number was used"])
        self.refused(5, "mi", "publish", "--type", "action", "--title", "Nobody", "--body", "x",
                     "--complete-by", COMPLETE_BY, "--contact-name", "J", *nobody,
                     "--dry-run", says="nobody is in it")
        self.refused(4, "mi", "publish", "--type", "action", "--title", "Nobody", "--body", "x",
                     "--complete-by", COMPLETE_BY, "--contact-name", "J", "--clusters",
                     "C926-99", says=["NOT_FOUND", '--clusters "C926-99"'])
        self.assertEqual(len(self.sheets()), 0)
        # a questionnaire that is not one is refused with its line, before anything is sent
        self.refused(3, *("mi", "publish", "--type", "action", "--title", "T", "--body", "x",
                          "--complete-by", COMPLETE_BY, "--contact-name", "J",
                          "--questions-file", self.file("bad.txt", "Which?\n")),
                     says="line 1: a questionnaire starts with a numbered question")
        self.refused(3, "mi", "publish", "--type", "information", "--title", "T", "--body", "x",
                     "--contact-name", "J", "--questions-file", questions,
                     says="only an Action sheet asks questions")

        out = self.publish("Cluster consultation", "--questions-file", questions)
        self.assertEqual(lines(out), [f"MI 001/13 published: {n} schools, {2 * n} recipients"])
        (sheet,) = self.sheets()
        self.assertEqual([(q.number, q.text, list(q.options)) for q in sheet.questions], [
            (1, "Which choice will the school make for its Cluster Education Partner?",
             ["Choice A", "Choice B"]),
            (2, "What support would the school like from the LA in the spring term?", [])])
        shown = self.ok("mi", "show", "001/13").stdout
        self.assertIn("\nQuestions\n  1. Which choice will the school make for its Cluster "
                      "Education Partner?\n     choose one: Choice A, Choice B\n  2. What", shown)
        # the letter asks the questions
        letters = wait_for(lambda: self.letters("MI 001/13"), what="the sheet's letters")
        text = letters[0][1]
        self.assertIn("QUESTIONS\n1. Which choice will the school make for its Cluster "
                      "Education Partner?\n    Please choose one: Choice A / Choice B\n2. What "
                      "support", text)
        self.assertIn("Please send your answers, numbered as the questions are", text)

        # bad answers are refused, naming the question, and nothing is stored
        first = schools[0].urn
        for answers, says in (("3: Choice A\n", "the sheet has no such question (it asks 1 and 2)"),
                              ("1: Choice C\n", '"Choice C" is not one of its options '
                                                '("Choice A", "Choice B")'),
                              ("1: Choice A\n1: Choice B\n", "Answer to question 1: given twice"),
                              ("2:\n", "Answer to question 2: empty")):
            self.respond("001/13", first, answers, code=3, says=["INVALID_ARGUMENT", says])
        self.respond("001/13", first, "Choice A\n", code=3,
                     says="line 1: each answer starts with its question's number")
        self.refused(3, "mi", "respond", "001/13", str(first), says="Answers: none given")
        self.assertEqual(list(self.mi_status("001/13").responded), [])

        # three schools answer (a choice matched whatever its case, a free text over lines)
        given = {
            schools[0].urn: ("choice a", 'More training days, please.\nAnd "visits" earlier.'),
            schools[1].urn: ("Choice B", "None."),
            schools[2].urn: ("Choice A", None),
        }
        for urn, (choice, free) in given.items():
            text = f"1: {choice}\n" + (f"2: {free}\n" if free else "")
            out = self.respond("001/13", urn, text, "--respondent", "The Head")
            self.assertRegex(out, rf"^MI 001/13: response of {urn} .* recorded, "
                                  rf"{2 if free else 1} answer\(s\) \(from The Head\)\n$")
        self.respond("001/13", schools[0].urn, "1: Choice B\n", code=5, says="already responded")

        rows = list(csv.reader(io.StringIO(self.ok("mi", "answers", "001/13", "--csv").stdout)))
        self.assertEqual(rows[0], ["URN", "Name", "Cluster", "Question", "Question text",
                                   "Answer", "Answered at", "Responder"])
        names = {s.urn: (s.name, s.cluster_id) for s in schools}
        want = []
        for urn, (choice, free) in sorted(given.items()):
            want.append([str(urn), *names[urn], "1", sheet.questions[0].text,
                         "Choice A" if choice.lower() == "choice a" else "Choice B"])
            if free:
                want.append([str(urn), *names[urn], "2", sheet.questions[1].text, free])
        self.assertEqual([r[:6] for r in rows[1:]], want)
        self.assertTrue(all(r[6].endswith("Z") and r[7] == "The Head" for r in rows[1:]))
        out = self.ok("mi", "answers", "001/13").stdout
        self.assertIn("answered by 3 of %d\n" % n, out)
        self.assertIn("\n1. Which choice will the school make for its Cluster Education "
                      "Partner?\n  Choice A 2, Choice B 1\n", out)

        # a correction that would leave an answer without its option is refused
        narrowed = self.file("narrowed.txt", QUESTIONS.replace(" | Choice B", " | Choice C"))
        self.refused(5, "mi", "correct", "001/13", "--note", "options", "--questions-file",
                     narrowed, says="does not fit the answers")
        self.refused(5, "mi", "correct", "001/13", "--note", "nothing", says="nothing to correct")
        out = self.ok("mi", "correct", "001/13", "--note", "The closing date was wrong: it is "
                      "22 November.", "--complete-by", "2013-11-22").stdout
        self.assertEqual(lines(out), [f"MI 001/13 corrected (correction 1): a notice of "
                                      f"correction goes to {n} school(s) or cluster(s)"])
        corrections = self.notices(kind=N.NOTICE_MI_CORRECTION)
        self.assertEqual(sorted(x.urn for x in corrections), sorted(s.urn for s in schools))
        self.assertTrue(all(x.id.startswith("mi-correction-001-13-c1-") for x in corrections))
        letters = wait_for(lambda: self.letters("Correction to MI 001/13"),
                           what="the correction's letters")
        text = letters[0][1]
        self.assertIn("Management Information Sheet 001/13, which we sent on\n15 November 2013, "
                      "has been corrected", text)
        self.assertIn("What has changed: The closing date was wrong: it is 22 November.", text)
        self.assertIn("To Be Completed By:  22 November 2013", text)
        self.assertNotIn("cli.tests", text, "no username in a letter")
        got = self.nc.call("GetMi", N.GetMiRequest(number="001/13"), N.MiReply)
        self.assertEqual((got.sheet.revision, got.sheet.complete_by), (1, "2013-11-22"))
        self.assertEqual([h.complete_by for h in got.history], [COMPLETE_BY])
        self.assertEqual(len(self.mi_status("001/13").responded), 3, "answers kept")
        self.assertIn("1 time(s), last by cli.tests",
                      self.ok("mi", "show", "001/13").stdout)

        # an Action sheet withdrawn: told with the reason, no responses after it
        self.publish("Pupil premium return")
        out = self.ok("mi", "withdraw", "002/13", "--reason", "It went to the wrong schools; "
                      "a new sheet follows.").stdout
        self.assertEqual(lines(out), [f"MI 002/13 withdrawn: a notice of withdrawal goes to {n} "
                                      "school(s) or cluster(s)"])
        withdrawn = [x for x in self.notices(kind=N.NOTICE_MI_CORRECTION, limit=1000)
                     if x.mi_number == "002/13"]
        self.assertEqual(sorted(x.urn for x in withdrawn), sorted(s.urn for s in schools))
        letters = wait_for(lambda: self.letters("Withdrawn: MI 002/13"),
                           what="the withdrawal's letters")
        self.assertIn("Why: It went to the wrong schools; a new sheet follows.", letters[0][1])
        self.assertIn("If you have already replied, thank you", letters[0][1])
        self.refused(5, "mi", "respond", "002/13", str(first), says="was withdrawn")
        self.refused(5, "mi", "withdraw", "002/13", "--reason", "again", says="was withdrawn")
        self.refused(5, "mi", "correct", "002/13", "--note", "x", "--title", "Y",
                     says="was withdrawn")
        self.assertEqual(table(lines(self.ok("mi", "list").stdout))[2][4], "withdrawn")

        # days later: the reminder of 001/13 goes to those who have not answered, none of
        # the withdrawn 002/13
        self.restart_notifier("2013-11-19")
        reminders = wait_for(lambda: self.notices(kind=N.NOTICE_MI_REMINDER, limit=1000),
                             what="the reminders")
        self.assertEqual(sorted(x.urn for x in reminders),
                         sorted(s.urn for s in schools if s.urn not in given))
        self.assertEqual({x.mi_number for x in reminders}, {"001/13"})
        letters = wait_for(lambda: self.letters("Reminder: MI 001/13"), what="reminder letters")
        self.assertIn("not yet received the answers from", letters[0][1])

    def test_cluster_chairs_answer_for_their_cluster(self):
        questions = self.file("questions.txt", QUESTIONS.replace("the school", "the cluster"))
        out = self.ok("mi", "publish", "--type", "action", "--title", "Cluster consultation",
                      "--body", "For each cluster.", "--complete-by", COMPLETE_BY,
                      "--contact-name", "Jane Smith", "--to", "cluster-chairs", "--clusters",
                      ",".join(AUDIENCE), "--questions-file", questions).stdout
        self.assertEqual(lines(out), [f"MI 001/13 published: {len(AUDIENCE)} clusters, "
                                      f"{len(AUDIENCE)} recipients"])
        notices = self.notices(kind=N.NOTICE_MI_SHEET)
        self.assertEqual(sorted(x.cluster_id for x in notices), sorted(AUDIENCE))
        self.assertTrue(all(x.urn == 0 for x in notices))
        school = self.open_schools(AUDIENCE)[0]
        self.respond("001/13", school.urn, "1: Choice A\n", code=5,
                     says="is for cluster chairs: its responses are the clusters'")
        out = self.respond("001/13", AUDIENCE[0], "1: Choice B\n2: A shared INSET day.\n",
                           "--respondent", "Cluster chair")
        self.assertIn(f"cluster ({AUDIENCE[0]}) recorded, 2 answer(s)", out)
        status = self.mi_status("001/13")
        self.assertEqual([o.cluster_id for o in status.outstanding], [AUDIENCE[1]])
        rows = list(csv.reader(io.StringIO(self.ok("mi", "answers", "001/13", "--csv").stdout)))
        self.assertEqual([r[:6] for r in rows[1:]], [
            ["", status.responded[0].cluster_name, AUDIENCE[0], "1",
             "Which choice will the cluster make for its Cluster Education Partner?", "Choice B"],
            ["", status.responded[0].cluster_name, AUDIENCE[0], "2",
             "What support would the cluster like from the LA in the spring term?",
             "A shared INSET day."]])
        self.refused(3, "mi", "publish", "--type", "action", "--title", "T", "--body", "x",
                     "--complete-by", COMPLETE_BY, "--contact-name", "J", "--to",
                     "cluster-chairs", "--phases", "primary", says="narrowed by cluster only")


if __name__ == "__main__":
    unittest.main()
