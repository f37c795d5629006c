import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/** document.title = "<page> · <brand>", in the current language. */
export function usePageTitle(title: string) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t("common:brand")}`;
  }, [title, t]);
}
