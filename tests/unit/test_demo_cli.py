from devstack.demo import job_request, parse_args


def test_demo_options_become_the_job_request():
    args = parse_args(["--theme", "Volcanoes", "--voice", "Kore", "--character", "nova",
                       "--language", "es", "--target-seconds", "71"])  # fmt: skip
    assert job_request(args) == {
        "theme": "Volcanoes", "language": "es", "character_id": "nova", "voice": "Kore",
        "target_seconds": 71,
    }  # fmt: skip
    assert job_request(parse_args(["--theme", "x"])) == {"theme": "x"}
