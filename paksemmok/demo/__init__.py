"""Demo and synthetic data, kept out of the domain apps.

* The demo steps (`population`, `accounts`, `appointments`, `applications`, `issuance`,
  `reports`, `survey`): what `make run` loads once through `manage.py setup_demo`, in the
  order of `steps.MODULES`.
* The synthetic-data generators (`population_generator`, `history_generator`) and their
  commands `generate_population` and `generate_history`: a plausible register and years of
  decided applications for the demo, the benchmarks and load tests. They never touch real
  data in production, and nothing in the domain apps imports this package.
* Development helpers: `demo_totp` (codes of the demo accounts' fixed TOTP key) and
  `make_demo_signing_key` (a self-signed signing pair).
"""
