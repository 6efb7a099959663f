"""The figures leaders read across Hearth's parts: the dashboards of team managers, service leads
and directors, made from the reports each part answers (placements, stability, fostering, the
SSDA903 return)."""
