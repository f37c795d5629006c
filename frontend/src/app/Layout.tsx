import { AppShell, Burger, Button, Group, NativeSelect, Stack, Text, UnstyledButton, Anchor } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { PAGES } from "./pages";
import { useSession } from "../auth/session";
import { LANGUAGES, currentLanguage } from "../i18n";
import classes from "./Layout.module.css";

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t("language.label")}
      size="xs"
      value={currentLanguage()}
      onChange={(event) => void i18n.changeLanguage(event.currentTarget.value)}
      data={LANGUAGES.map((lng) => ({ value: lng, label: t(`language.${lng}`) }))}
    />
  );
}

function NavItems({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const visible = PAGES.filter(
    (page) => page.nav && (page.access === "admin" ? me?.roles.includes("admin") : me),
  );
  return visible.map((page) => (
    <NavLink key={page.path} to={page.path} className={classes.link} onClick={onNavigate} end>
      {t(`nav.${page.nav}`)}
    </NavLink>
  ));
}

export function Layout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const { me, signOut } = useSession();
  const navigate = useNavigate();

  const account = me ? (
    <Button
      variant="subtle"
      size="compact-sm"
      onClick={() => void signOut().then(() => navigate("/"))}
    >
      {t("nav.signOut")}
    </Button>
  ) : (
    <Group gap="xs" wrap="nowrap">
      <Button component={Link} to="/sign-in" variant="subtle" size="compact-sm" onClick={close}>
        {t("nav.signIn")}
      </Button>
      <Button component={Link} to="/sign-up" size="compact-sm" onClick={close}>
        {t("nav.signUp")}
      </Button>
    </Group>
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: "sm", collapsed: { desktop: true, mobile: !opened } }} padding="md">
      <a href="#main" className={classes.skip}>
        {t("skipToContent")}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.menu")} />
            <UnstyledButton component={Link} to={me ? "/videos" : "/"} className={classes.brand}>
              {t("brand")}
            </UnstyledButton>
            <Group gap={4} visibleFrom="sm" component="nav" aria-label={t("nav.label")}>
              <NavItems onNavigate={close} />
            </Group>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitcher />
            <Group visibleFrom="sm">{account}</Group>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="md" aria-label={t("nav.label")}>
        <Stack gap="xs" component="nav" aria-label={t("nav.label")}>
          <NavItems onNavigate={close} />
          {account}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
        <Text component="footer" size="xs" c="dimmed" mt="xl" ta="center">
          {t("footer")} · <Anchor component={Link} to="/" size="xs">{t("nav.home")}</Anchor>
        </Text>
      </AppShell.Main>
    </AppShell>
  );
}
