"""Consumers filing reports through the real wizard, for `make bench`.

Each simulated consumer walks every step as a browser does (the page, then its
form, redirects not followed so each request is timed alone) and starts over.
Their sessions are made beforehand by bench/run.py with the address already
verified, as the tests do (the code typed once in that browser): the email
code step is the one page not walked. bench/run.py writes var/bench/wizard.json:
the sessions, the categories and the SIRETs to report.
"""

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path

from locust import FastHttpUser, task

DATA = json.loads(Path(os.environ.get("BENCH_WIZARD_DATA", "var/bench/wizard.json")).read_text(encoding="utf-8"))
SESSIONS = list(DATA["sessions"])
random.shuffle(SESSIONS)
CSRF = "benchcsrfbenchcsrfbenchcsrf12345"  # a 32-character secret, sent back in the header
DESCRIPTIONS = [
    "Le prix affiché en rayon n’était pas celui de la caisse, le vendeur a refusé de corriger.",
    "Ma commande n’est jamais arrivée et le service client ne répond pas.",
    "On m’a vendu une garantie que je n’avais pas demandée.",
]


class Consumer(FastHttpUser):
    # No pause between requests: the figure is what two web workers sustain.
    def on_start(self):
        self.session = SESSIONS.pop() if SESSIONS else DATA["sessions"][0]
        self.headers = {
            "Cookie": f"sessionid={self.session['key']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }

    def step(self, name: str, path: str, data: dict | None = None, expect: str = ""):
        if data is None:
            with self.client.get(path, name=name, headers=self.headers, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}")
            return
        with self.client.post(
            path, data=data, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or (expect and not location.endswith(expect)):
                response.failure(f"{response.status_code} → {location}")

    @task
    def file_a_report(self):
        slug = random.choice(DATA["leaves"])
        problem = f"/signaler/probleme/{slug}/"
        self.step("1 problem (page)", problem)
        self.step("1 problem (form)", problem, {})
        self.step("2 company (page)", "/signaler/entreprise/")
        self.step(
            "2 company (form)",
            "/signaler/entreprise/",
            {"mode": "siret", "siret-siret": random.choice(DATA["sirets"])},
        )
        self.step("3 details (page)", "/signaler/details/")
        occurred = (date.today() - timedelta(days=random.randint(1, 30))).isoformat()
        self.step(
            "3 details (form)",
            "/signaler/details/",
            {"occurred_on": occurred, "description": random.choice(DESCRIPTIONS)},
        )
        self.step("4 consumer (page)", "/signaler/coordonnees/")
        consumer = {
            "first_name": "Paule",
            "last_name": "Durand",
            "email": self.session["email"],
            "share_identity": "no",
        }
        self.step("4 consumer (form)", "/signaler/coordonnees/", consumer, expect="/signaler/confirmation/")
        self.step("5 confirmation (page)", "/signaler/confirmation/")
        self.step("5 confirmation (submit)", "/signaler/confirmation/", {}, expect="/signaler/envoye/")
        self.step("6 done (page)", "/signaler/envoye/")
