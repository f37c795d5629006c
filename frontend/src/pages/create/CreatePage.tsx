import { Alert, Anchor, Button, Group, Radio, Stack, Text, Textarea, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, ApiError } from "../../api/client";
import { formatDuration } from "../../api/format";
import { keys } from "../../api/queries";
import { LANGUAGES, LENGTHS, MAX_THEME_CHARS, type Created, type Language } from "../../api/types";
import { usePageTitle } from "../../components/usePageTitle";
import { VerifyEmailBanner } from "../../components/VerifyEmailBanner";
import { currentLanguage } from "../../i18n";
import { errorText } from "../../i18n/apiText";
import { CostLine, useCost } from "./CostLine";
import { API_FIELDS, initialValues, requestBody, validate, type CreateErrors, type CreateValues } from "./form";
import { CharacterChoice, MusicChoice, VoiceChoice } from "./MediaChoices";
import { StylePicker } from "./StylePicker";

export default function CreatePage() {
  const { t } = useTranslation("create");
  usePageTitle(t("title"));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [values, setValues] = useState<CreateValues>(() =>
    initialValues(currentLanguage() as Language, params.get("character") ?? ""),
  );
  const [errors, setErrors] = useState<CreateErrors>({});
  const [apiError, setApiError] = useState<ApiError | null>(null);
  // One key per intended video: a retried submit (double click, flaky network) makes one job.
  const idempotencyKey = useRef(crypto.randomUUID());
  const cost = useCost(values.targetSeconds);
  const set = <K extends keyof CreateValues>(key: K, value: CreateValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<Created>("/videos", { method: "POST", body, headers: { "Idempotency-Key": idempotencyKey.current } }),
    onSuccess: (created) => {
      void client.invalidateQueries({ queryKey: keys.videos });
      void client.invalidateQueries({ queryKey: keys.billing });
      navigate(`/videos/${created.video_id}/progress`);
    },
    onError: (error) => {
      idempotencyKey.current = crypto.randomUUID();
      if (error instanceof ApiError && error.field && API_FIELDS[error.field]) {
        setErrors({ [API_FIELDS[error.field]]: errorText(t, error) });
      } else {
        setApiError(error instanceof ApiError ? error : new ApiError(0, "unknown", String(error)));
      }
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApiError(null);
    const found = validate(values);
    setErrors(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, t(v)])));
    if (Object.keys(found).length === 0) create.mutate(requestBody(values));
  };

  const count = values.theme.length;
  const blocked = cost?.kind === "nothingLeft";
  return (
    <Stack maw={960} mx="auto">
      <Title order={1}>{t("title")}</Title>
      <VerifyEmailBanner />
      <form onSubmit={submit} noValidate aria-describedby="create-hint">
        <Stack gap="lg">
          <Text id="create-hint" size="sm" c="dimmed">
            {t("hint")}
          </Text>
          <Textarea
            label={t("theme.label")}
            placeholder={t("theme.placeholder")}
            required
            autosize
            minRows={3}
            maxLength={MAX_THEME_CHARS}
            value={values.theme}
            error={errors.theme}
            onChange={(e) => set("theme", e.currentTarget.value)}
            description={
              <span aria-live="polite" data-testid="theme-count">
                {t("theme.count", { count, max: MAX_THEME_CHARS })}
              </span>
            }
          />
          <StylePicker value={values.style} onChange={(style) => set("style", style)} />
          <Radio.Group label={t("language.label")} value={values.language} onChange={(v) => set("language", v as Language)} error={errors.language}>
            <Group mt={4}>
              {LANGUAGES.map((lng) => (
                <Radio key={lng} value={lng} label={t(`common:videoLanguage.${lng}`)} />
              ))}
            </Group>
          </Radio.Group>
          <CharacterChoice value={values.characterId} onChange={(id) => set("characterId", id)} error={errors.characterId} />
          <MusicChoice value={values.music} onChange={(id) => set("music", id)} error={errors.music} />
          <VoiceChoice value={values.voice} onChange={(voice) => set("voice", voice)} error={errors.voice} />
          <Radio.Group
            label={t("length.label")}
            description={t("length.hint")}
            value={String(values.targetSeconds)}
            onChange={(v) => set("targetSeconds", Number(v) as CreateValues["targetSeconds"])}
            error={errors.targetSeconds}
          >
            <Group mt={4}>
              {LENGTHS.map((seconds) => (
                <Radio key={seconds} value={String(seconds)} label={formatDuration(t, seconds)} />
              ))}
            </Group>
          </Radio.Group>
          <CostLine cost={cost} />
          {apiError && (
            <Alert color="red" role="alert" title={t("failed")}>
              {errorText(t, apiError)}{" "}
              {apiError.code === "payment_required" && (
                <Anchor component={Link} to="/billing">
                  {t("cost.buy")}
                </Anchor>
              )}
            </Alert>
          )}
          <Group>
            <Button type="submit" size="md" loading={create.isPending} disabled={blocked}>
              {t("submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
