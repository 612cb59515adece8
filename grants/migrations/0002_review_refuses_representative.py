"""The database refuses a review by a reviewer who represents the applicant association.

A BEFORE INSERT OR UPDATE trigger on grants_review looks up the applicant of the application
and refuses (SQLSTATE 23514, check_violation: Django raises IntegrityError) when the reviewer
has a membership of that association that is approved or waiting for approval. The service
checks first and gives a clear message; this holds the rule for code that skips the service.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION grants_review_refuse_representative() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM associations_membership m
        JOIN grants_application a ON a.association_id = m.association_id
        WHERE a.id = NEW.application_id
          AND m.user_id = NEW.reviewer_id
          AND m.state IN ('approved', 'pending')
    ) THEN
        RAISE EXCEPTION 'grants_review_reviewer_represents_applicant: user % represents the applicant of application %',
            NEW.reviewer_id, NEW.application_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER grants_review_no_representative
    BEFORE INSERT OR UPDATE ON grants_review
    FOR EACH ROW EXECUTE FUNCTION grants_review_refuse_representative();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS grants_review_no_representative ON grants_review;
DROP FUNCTION IF EXISTS grants_review_refuse_representative();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0001_initial"),
        ("associations", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
