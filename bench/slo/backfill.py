"""Thirty days of the SUT's request counters at 15 s, as OpenMetrics (the same shape the SLO report test backfills):
10 requests/s, 0.05 % errors, a two-hour incident at 2 % twenty days in, 99 % of requests under 500 ms."""
import sys

end = int(sys.argv[2])
first = end - 30 * 86400
incident = (first + 20 * 86400, first + 20 * 86400 + 7200)
with open(sys.argv[1], "w") as out:
    def series(name, labels, per_second):
        value = 0.0
        for t in range(first, end + 1, 15):
            value += per_second(t) * 15
            out.write(f"{name}{{{labels}}} {value:.3f} {t}\n")
    bad = lambda t: incident[0] <= t < incident[1]
    out.write("# TYPE nginx_ingress_controller_requests unknown\n")
    series("nginx_ingress_controller_requests", 'ingress="task-manager",status="200"', lambda t: 10 * (0.98 if bad(t) else 0.9995))
    series("nginx_ingress_controller_requests", 'ingress="task-manager",status="500"', lambda t: 10 * (0.02 if bad(t) else 0.0005))
    out.write("# TYPE nginx_ingress_controller_request_duration_seconds_count unknown\n")
    series("nginx_ingress_controller_request_duration_seconds_count", 'ingress="task-manager"', lambda t: 10)
    out.write("# TYPE nginx_ingress_controller_request_duration_seconds_bucket unknown\n")
    series("nginx_ingress_controller_request_duration_seconds_bucket", 'ingress="task-manager",le="0.5"', lambda t: 9.9)
    out.write("# EOF\n")
