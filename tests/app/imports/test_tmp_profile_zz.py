import cProfile, pstats, time

def test_profile(app):
    from senko.demo.spreadsheets import make_large
    from senko.importing import jobs, commit
    data = make_large(5000, "csv")
    with app.app_context():
        job = jobs.start_import(data, "p.csv", None, enqueue=False)
        jobs.parse_import(job.id)
        jobs.request_commit(job.id, {}, None, enqueue=False)
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        commit.commit_import(job.id)
        prof.disable()
        print("TOTAL", time.perf_counter() - t, jobs.get(job.id).report["counts"])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
