// The shared email + password form of sign-in and sign-up.
import { Alert, Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export interface Credentials {
  email: string;
  password: string;
  name: string;
}

export function AuthForm({
  mode,
  onSubmit,
  error,
  footer,
}: {
  mode: "signIn" | "signUp";
  onSubmit: (credentials: Credentials) => Promise<void>;
  error: string | null;
  footer?: ReactNode;
}) {
  const { t } = useTranslation("auth");
  const [values, setValues] = useState<Credentials>({ email: "", password: "", name: "" });
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void onSubmit(values).finally(() => setBusy(false));
  };
  return (
    <Paper maw={420} mx="auto" p="lg" withBorder>
      <form onSubmit={submit} noValidate={false}>
        <Stack>
          <Title order={1} size="h2">
            {t(`${mode}.title`)}
          </Title>
          {mode === "signUp" && (
            <TextInput
              label={t("name")}
              autoComplete="name"
              value={values.name}
              onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
            />
          )}
          <TextInput
            label={t("email")}
            type="email"
            required
            autoComplete="email"
            value={values.email}
            onChange={(e) => setValues({ ...values, email: e.currentTarget.value })}
          />
          <PasswordInput
            label={t("password")}
            required
            minLength={mode === "signUp" ? 6 : undefined}
            description={mode === "signUp" ? t("passwordHint") : undefined}
            autoComplete={mode === "signUp" ? "new-password" : "current-password"}
            value={values.password}
            onChange={(e) => setValues({ ...values, password: e.currentTarget.value })}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {t(`${mode}.submit`)}
          </Button>
          <Text size="sm">
            {t(`${mode}.switchText`)}{" "}
            <Anchor component={Link} to={mode === "signIn" ? "/sign-up" : "/sign-in"}>
              {t(`${mode}.switchLink`)}
            </Anchor>
          </Text>
          {footer}
        </Stack>
      </form>
    </Paper>
  );
}
