"""``constraints.screen`` (one evaluation of each check per request) gives what ``first_failure`` and
``scoped_summary`` gave together, on the bundled data, for requests with and without districts, tight and
loose, including ones that leave nothing eligible."""
from __future__ import annotations

import numpy as np
import pytest

from findpark.siting import candidates, constraints
from findpark.siting.requirement import Requirement

REQUESTS = [
    {"industry": "汽车零部件", "land_mu_min": 80, "land_mu_max": 120, "power_kva": 5000, "investment_wan": 60000,
     "annual_tax_wan": 2000, "eia": "报告表", "max_distance_km": {"airport": 80, "rail_station": 40}},
    {"industry": "汽车零部件", "land_mu_min": 80, "land_mu_max": 120, "districts": ["杭州市"]},
    {"industry": "生物医药", "land_mu_min": 10, "districts": ["萧山", "330106"], "max_price_wan_per_mu": 200},
    {"industry": "C27", "land_mu_min": 5, "land_mu_max": 5000},
    {"industry": "汽车零部件", "land_mu_min": 5000, "districts": ["宁波市"]},  # nothing fits
    {"industry": "汽车零部件", "land_mu_max": 2, "water_t_day": 50000},
]


@pytest.mark.parametrize("request_", REQUESTS)
def test_screen_equals_first_failure_and_scoped_summary(bundled_store, request_):
    data = candidates.build(bundled_store)
    req = Requirement.model_validate(request_)
    checks = list(constraints.plot_checks(data, req))
    scope = None
    if req.district_adcodes:
        scope = np.isin(data.park_adcode[data.plot_park], req.district_adcodes)
    want_elig = constraints.first_failure(checks, data.n_plots).eligible
    want = constraints.scoped_summary(checks, data.n_plots, scope, want_elig, data.plot_ids, "plots")
    elig, summary = constraints.screen(checks, data.n_plots, scope, data.plot_ids, "plots")
    np.testing.assert_array_equal(elig, want_elig)
    assert summary == want
